import { useTranslation } from 'react-i18next';
import { DisplayPreferences } from './DisplayPreferences.tsx';
import type { Route } from './routes.ts';
import './side-nav.css';

export function SideNav({ route, navigate }: { route: Route; navigate: (route: Route) => void }) {
  const { t } = useTranslation();
  return (
    <nav className="side-nav" aria-label={t('shell.navigation')}>
      <section className="side-nav__section" aria-labelledby="nav-conversations">
        <h2 id="nav-conversations" className="side-nav__heading">
          {t('shell.conversationsHeading')}
        </h2>
        {/* The conversation list lands here (issue 4). Names and previews will be text children only. */}
        <p className="side-nav__empty">{t('shell.conversationsEmpty')}</p>
      </section>
      <section className="side-nav__section" aria-labelledby="nav-workstation">
        <h2 id="nav-workstation" className="side-nav__heading">
          {t('shell.workstationHeading')}
        </h2>
        <ul className="side-nav__list">
          <li>
            <button
              type="button"
              className="side-nav__item"
              aria-current={route.screen === 'status' ? 'page' : undefined}
              onClick={() => navigate({ screen: 'status' })}
            >
              {t('shell.statusLink')}
            </button>
          </li>
        </ul>
      </section>
      <div className="side-nav__footer">
        <DisplayPreferences />
      </div>
    </nav>
  );
}
