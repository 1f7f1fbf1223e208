import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGE_NAMES, LANGUAGES, currentLanguage, switchLanguage, type Language } from '../i18n/index.ts';
import { THEMES, chooseTheme, isThemeChoice, readTheme, type ThemeChoice } from '../theme/theme.ts';
import './display-preferences.css';

const THEME_LABEL = { system: 'prefs.themeSystem', light: 'prefs.themeLight', dark: 'prefs.themeDark' } as const;

/** Theme and language (in Settings): remembered on this computer, the same for whoever uses it (no PHI). */
export function DisplayPreferences() {
  const { t } = useTranslation();
  const id = useId();
  const [theme, setTheme] = useState<ThemeChoice>(() => readTheme(window));
  const language = currentLanguage();

  const onTheme = (value: string) => {
    if (!isThemeChoice(value)) return;
    chooseTheme(window, value);
    setTheme(value);
  };
  const onLanguage = (value: string) => {
    if (LANGUAGES.includes(value as Language)) void switchLanguage(window, value as Language);
  };

  return (
    <section className="display-prefs" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>{t('prefs.heading')}</h3>
      <p className="settings__intro">{t('prefs.intro')}</p>
      <div className="field display-prefs__field">
        <label htmlFor={`${id}-theme`}>{t('prefs.theme')}</label>
        <select id={`${id}-theme`} value={theme} onChange={(e) => onTheme(e.target.value)} data-testid="theme-select">
          {THEMES.map((choice) => (
            <option key={choice} value={choice}>
              {t(THEME_LABEL[choice])}
            </option>
          ))}
        </select>
      </div>
      <div className="field display-prefs__field">
        <label htmlFor={`${id}-language`}>{t('prefs.language')}</label>
        <select
          id={`${id}-language`}
          value={language}
          onChange={(e) => onLanguage(e.target.value)}
          data-testid="language-select"
        >
          {LANGUAGES.map((code) => (
            // Each language named in itself, so someone who cannot read the current one finds theirs.
            <option key={code} value={code} lang={code}>
              {LANGUAGE_NAMES[code]}
            </option>
          ))}
        </select>
      </div>
    </section>
  );
}
