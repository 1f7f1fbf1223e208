import type { MouseEvent } from 'react';
import './skip-link.css';

/** First tab stop: jumps past the top bar and navigation. Moves focus itself so the URL fragment stays untouched. */
export function SkipLink({ targetId, label }: { targetId: string; label: string }) {
  const skip = (event: MouseEvent<HTMLAnchorElement>) => {
    const target = document.getElementById(targetId);
    if (!target) return;
    event.preventDefault();
    target.focus();
  };
  return (
    <a className="skip-link" href={`#${targetId}`} onClick={skip}>
      {label}
    </a>
  );
}
