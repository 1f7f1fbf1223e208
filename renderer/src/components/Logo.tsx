import './logo.css';

/** The Sealwire mark: a shield holding a message bubble. Decorative; the product name sits beside it. */
export function Logo() {
  return (
    <svg className="logo" viewBox="0 0 32 32" width="32" height="32" aria-hidden="true" focusable="false">
      <path className="logo__shield" d="M16 2.5 5 6.5v8.3c0 6.9 4.6 12.6 11 14.7 6.4-2.1 11-7.8 11-14.7V6.5L16 2.5Z" />
      <path
        className="logo__bubble"
        d="M11.5 10h9a2 2 0 0 1 2 2v5.5a2 2 0 0 1-2 2h-4.7L12.5 22v-2.5h-1a2 2 0 0 1-2-2V12a2 2 0 0 1 2-2Z"
      />
    </svg>
  );
}
