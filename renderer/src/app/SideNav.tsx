import { useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { Icon } from '../components/Icon.tsx';
import { SettingsDialog } from '../settings/SettingsDialog.tsx';
import type { PlainScreen } from './navigation.ts';
import { useNavigate } from './NavigationProvider.tsx';
import './side-nav.css';

function NavItem({ current, onClick, children, testId }: { current: boolean; onClick: () => void; children: ReactNode; testId?: string }) {
  return (
    <li>
      <button type="button" className="side-nav__item" aria-current={current ? 'page' : undefined} onClick={onClick} data-testid={testId}>
        {children}
      </button>
    </li>
  );
}

/** Opens Settings over the current screen, and gives focus back to this button when it closes. */
function SettingsEntry() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  return (
    <div className="side-nav__footer">
      <button ref={button} type="button" className="side-nav__item" aria-haspopup="dialog" onClick={() => setOpen(true)} data-testid="nav-settings">
        <Icon name="settings" />
        {t('settings.link')}
      </button>
      {/* Outside the navigation landmark: the dialog is its own region over the whole window. */}
      {open
        ? createPortal(
            <SettingsDialog
              close={() => {
                setOpen(false);
                button.current?.focus();
              }}
            />,
            document.body,
          )
        : null}
    </div>
  );
}

/**
 * Before anyone signs in: sign-in and the workstation's status, nothing personal. During the PIN
 * step the person is already signed in, so the first entry names that step instead of "Sign in".
 */
export function SignedOutNav({
  active,
  signIn,
  status,
}: {
  active: 'sign-in' | 'pin-setup' | 'status';
  signIn: () => void;
  status: () => void;
}) {
  const { t } = useTranslation();
  return (
    <nav className="side-nav" aria-label={t('shell.navigation')}>
      <section className="side-nav__section" aria-labelledby="nav-conversations">
        <h2 id="nav-conversations" className="side-nav__heading">
          {t('shell.conversationsHeading')}
        </h2>
        <p className="side-nav__empty">{t('shell.conversationsEmpty')}</p>
      </section>
      <section className="side-nav__section" aria-labelledby="nav-workstation">
        <h2 id="nav-workstation" className="side-nav__heading">
          {t('shell.workstationHeading')}
        </h2>
        <ul className="side-nav__list">
          {active === 'pin-setup' ? (
            <NavItem current onClick={() => {}} testId="nav-pin-setup">
              {t('shell.pinSetupLink')}
            </NavItem>
          ) : (
            <NavItem current={active === 'sign-in'} onClick={signIn} testId="nav-sign-in">
              {t('shell.signInLink')}
            </NavItem>
          )}
          <NavItem current={active === 'status'} onClick={status} testId="nav-status">
            {t('shell.statusLink')}
          </NavItem>
        </ul>
      </section>
      <SettingsEntry />
    </nav>
  );
}

/** Signed in: the conversation list (given), then the staff member's own pages and the workstation. */
export function WorkspaceNav({
  conversations,
  active,
  footer,
}: {
  conversations: ReactNode;
  active: string;
  /** Signed-in preferences shown above the display ones (notifications). */
  footer?: ReactNode;
}) {
  const { t } = useTranslation();
  const dispatch = useNavigate();
  const go = (screen: PlainScreen) => dispatch({ type: 'go', screen });
  return (
    <nav className="side-nav" aria-label={t('shell.navigation')}>
      <section className="side-nav__section side-nav__section--grow" aria-labelledby="nav-conversations">
        <div className="side-nav__heading-row">
          <h2 id="nav-conversations" className="side-nav__heading">
            {t('shell.conversationsHeading')}
          </h2>
        </div>
        <ul className="side-nav__list">
          <NavItem current={active === 'directory'} onClick={() => go('directory')} testId="nav-directory">
            <Icon name="plus" />
            {t('shell.newChat')}
          </NavItem>
          <NavItem current={active === 'search'} onClick={() => go('search')} testId="nav-search">
            <Icon name="search" />
            {t('shell.searchLink')}
          </NavItem>
          <NavItem current={active === 'patients'} onClick={() => go('patients')} testId="nav-patients">
            <Icon name="users" />
            {t('patients.navLink')}
          </NavItem>
        </ul>
        {conversations}
      </section>
      <section className="side-nav__section" aria-labelledby="nav-workstation">
        <h2 id="nav-workstation" className="side-nav__heading">
          {t('shell.workstationHeading')}
        </h2>
        <ul className="side-nav__list">
          <NavItem current={active === 'activity'} onClick={() => go('activity')} testId="nav-activity">
            {t('shell.activityLink')}
          </NavItem>
          <NavItem current={active === 'my-data'} onClick={() => go('my-data')} testId="nav-my-data">
            {t('shell.myDataLink')}
          </NavItem>
          <NavItem current={active === 'status'} onClick={() => go('status')} testId="nav-status">
            {t('shell.statusLink')}
          </NavItem>
        </ul>
      </section>
      <div className="side-nav__dock">
        {footer}
        <SettingsEntry />
      </div>
    </nav>
  );
}
