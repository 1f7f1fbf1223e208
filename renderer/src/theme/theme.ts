import { readPreference, writePreference } from './storage.ts';

export const THEMES = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEMES)[number];

const STORAGE_KEY = 'sealwire.theme';

export const isThemeChoice = (value: unknown): value is ThemeChoice => THEMES.includes(value as ThemeChoice);

export function readTheme(win: Window): ThemeChoice {
  const stored = readPreference(win, STORAGE_KEY);
  return isThemeChoice(stored) ? stored : 'system';
}

/**
 * The theme is an attribute on <html>, read by tokens.css; 'system' removes it so
 * prefers-color-scheme decides. An attribute, not inline styles: the CSP forbids those.
 */
export function applyTheme(win: Window, choice: ThemeChoice): void {
  const root = win.document.documentElement;
  if (choice === 'system') delete root.dataset.theme;
  else root.dataset.theme = choice;
}

export function chooseTheme(win: Window, choice: ThemeChoice): void {
  writePreference(win, STORAGE_KEY, choice);
  applyTheme(win, choice);
}
