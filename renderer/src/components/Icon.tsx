import './icon.css';

export type IconName = 'check' | 'alert' | 'cross' | 'dots' | 'refresh';

// Simple stroked glyphs; they always sit beside words, so they are hidden from assistive technology.
const PATHS: Record<IconName, string> = {
  check: 'M5 12.5 10 17.5 19 7',
  alert: 'M12 7v6M12 16.5v.5',
  cross: 'M7 7l10 10M17 7 7 17',
  dots: 'M6 12h.01M12 12h.01M18 12h.01',
  refresh: 'M19 12a7 7 0 1 1-2.05-4.95M19 5v4h-4',
};

export function Icon({ name }: { name: IconName }) {
  return (
    <svg className="icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} />
    </svg>
  );
}
