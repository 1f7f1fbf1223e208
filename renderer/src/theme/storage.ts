/**
 * Display preferences (theme, language) kept in localStorage. Only these small, non-personal
 * settings may live there: never PHI, names, tokens or anything from the store.
 */
export function readPreference(win: Window, key: string): string | null {
  try {
    return win.localStorage.getItem(key);
  } catch {
    // Storage can be disabled by policy; fall back to defaults.
    return null;
  }
}

export function writePreference(win: Window, key: string, value: string): void {
  try {
    win.localStorage.setItem(key, value);
  } catch {
    // The choice still applies to this window; it just is not remembered.
  }
}
