import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectionState } from '../api/client.ts';
import { Logo } from '../components/Logo.tsx';
import { StatusPill } from '../components/StatusPill.tsx';
import type { SystemState } from './useSystemStatus.ts';
import './top-bar.css';

/**
 * Before sign-in the top bar says something about the workstation only when something is wrong (the
 * link to Sealwire's service lost, no keychain); the healthy state is told in plain words on the
 * workstation status screen.
 */
function ProblemPills({ connection, system }: { connection: ConnectionState; system: SystemState }) {
  const { t } = useTranslation();
  const keychainGone = system.phase === 'ready' && system.status.keychain !== 'available';
  return (
    <>
      {connection === 'closed' ? <StatusPill tone="danger" label={t('connection.closed')} testId="topbar-connection" /> : null}
      {keychainGone ? <StatusPill tone="danger" label={t('keychain.unavailable')} testId="topbar-keychain" /> : null}
    </>
  );
}

/**
 * Signed out it shows the workstation's own problems (service connection, keychain). Signed in, the
 * messaging state replaces them (`status`) and the session actions sit at the right (`actions`).
 */
export function TopBar({
  connection,
  system,
  status,
  actions,
  person,
}: {
  connection: ConnectionState;
  system: SystemState;
  status?: ReactNode;
  actions?: ReactNode;
  /** The signed-in staff member's name, always on show while signed in. */
  person?: string | null;
}) {
  const { t } = useTranslation();
  return (
    <header className="top-bar">
      <div className="top-bar__brand">
        <Logo />
        <span className="top-bar__name">{t('app.name')}</span>
        {actions ? null : <span className="top-bar__tagline">{t('app.tagline')}</span>}
      </div>
      {/* role="status": changes (connection lost, keychain gone) are announced politely. */}
      <div className="top-bar__status" role="status" aria-label={t('shell.statusArea')}>
        {status ?? <ProblemPills connection={connection} system={system} />}
      </div>
      {person ? (
        <p className="top-bar__person" data-testid="topbar-person">
          <span className="top-bar__person-label">{t('me.signedInAs')}</span>{' '}
          <strong dir="auto">{person}</strong>
        </p>
      ) : null}
      {actions ? <div className="top-bar__actions">{actions}</div> : null}
    </header>
  );
}
