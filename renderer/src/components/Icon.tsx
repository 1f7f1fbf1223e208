import './icon.css';

export type IconName =
  | 'check'
  | 'checks'
  | 'alert'
  | 'cross'
  | 'dots'
  | 'refresh'
  | 'lock'
  | 'users'
  | 'logout'
  | 'backspace'
  | 'send'
  | 'clock'
  | 'plus'
  | 'arrowDown'
  | 'arrow-left'
  | 'list'
  | 'search'
  | 'paperclip'
  | 'file'
  | 'settings'
  | 'pin'
  | 'bell-off'
  | 'unread';

// Simple stroked glyphs; they always sit beside words, so they are hidden from assistive technology.
const PATHS: Record<IconName, string> = {
  check: 'M5 12.5 10 17.5 19 7',
  alert: 'M12 7v6M12 16.5v.5',
  cross: 'M7 7l10 10M17 7 7 17',
  dots: 'M6 12h.01M12 12h.01M18 12h.01',
  refresh: 'M19 12a7 7 0 1 1-2.05-4.95M19 5v4h-4',
  checks: 'M2.5 12.5 7 17 16 7M11 16l1 1 9-10',
  lock: 'M6.5 11h11v9h-11zM8.5 11V8a3.5 3.5 0 0 1 7 0v3',
  users: 'M9 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6ZM3.5 19c.6-3 2.8-5 5.5-5s4.9 2 5.5 5M16 5.5a3 3 0 0 1 0 5.5M17.5 14c1.6.6 2.7 2.4 3 5',
  logout: 'M10 5H5.5v14H10M14 8l4 4-4 4M18 12H9',
  backspace: 'M9 6h10.5v12H9l-5.5-6L9 6ZM12 9.5l5 5M17 9.5l-5 5',
  send: 'M4 12 20 4l-5 16-3.5-6.5L4 12ZM11.5 13.5 20 4',
  clock: 'M12 20a8 8 0 1 0 0-16 8 8 0 0 0 0 16ZM12 8v4.5l3 2',
  plus: 'M12 5v14M5 12h14',
  arrowDown: 'M12 5v14M6 13l6 6 6-6',
  'arrow-left': 'M19 12H5M11 6l-6 6 6 6',
  list: 'M8 7h12M8 12h12M8 17h12M4 7h.01M4 12h.01M4 17h.01',
  search: 'M10.5 17a6.5 6.5 0 1 0 0-13 6.5 6.5 0 0 0 0 13ZM15.5 15.5 20 20',
  paperclip: 'M17.5 11.5 11 18a4.2 4.2 0 0 1-6-6l7.5-7.5a2.8 2.8 0 0 1 4 4L9 16a1.4 1.4 0 0 1-2-2l6.5-6.5',
  file: 'M6.5 3.5h7l4 4v13h-11zM13.5 3.5v4h4M9 12.5h6M9 16h6',
  settings: 'M4 7h10M18 7h2M4 17h2M10 17h10M16 5v4M8 15v4',
  pin: 'M9 4h6M10 4v5.5L7 13h10l-3-3.5V4M12 13v7',
  'bell-off': 'M9 5.6A5 5 0 0 1 17 10v4l1.5 3H9M6.6 8.5 7 10v4l-1.5 3M10 20h4M4 4l16 16',
  unread: 'M12 15.5a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7Z',
};

export function Icon({ name }: { name: IconName }) {
  return (
    <svg className="icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} />
    </svg>
  );
}
