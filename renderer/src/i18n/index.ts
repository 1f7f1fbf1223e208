import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { readPreference, writePreference } from '../theme/storage.ts';
import { en } from './en.ts';
import { es } from './es.ts';

export const LANGUAGES = ['en', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language's name in its own language, for the switch. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', es: 'Español' };

const STORAGE_KEY = 'sealwire.language';

const isLanguage = (value: unknown): value is Language => LANGUAGES.includes(value as Language);

/** The stored manual choice wins; otherwise the first browser language we speak; otherwise English. */
export function pickLanguage(stored: string | null, preferred: readonly string[]): Language {
  if (isLanguage(stored)) return stored;
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

export async function initI18n(win: Window): Promise<typeof i18next> {
  const language = pickLanguage(readPreference(win, STORAGE_KEY), win.navigator.languages ?? [win.navigator.language]);
  await i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, es: { translation: es } },
    lng: language,
    fallbackLng: 'en',
    supportedLngs: [...LANGUAGES],
    // React already escapes text; escaping here would double-escape.
    interpolation: { escapeValue: false },
    returnNull: false,
    // A key missing from the resources would show raw ("auditEvent.x"): say so loudly. The
    // end-to-end tests fail on any console error, and keys are UI names, never PHI.
    saveMissing: true,
    missingKeyHandler: (_languages, _namespace, key) => console.error(`Missing translation: ${key}`),
  });
  win.document.documentElement.lang = language;
  i18next.on('languageChanged', (lng) => {
    win.document.documentElement.lang = lng;
  });
  return i18next;
}

/** A manual switch; remembered on this computer (a language code is not PHI). */
export async function switchLanguage(win: Window, language: Language): Promise<void> {
  writePreference(win, STORAGE_KEY, language);
  await i18next.changeLanguage(language);
}

export function currentLanguage(): Language {
  return isLanguage(i18next.resolvedLanguage) ? i18next.resolvedLanguage : 'en';
}
