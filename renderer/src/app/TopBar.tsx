import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectionState } from '../api/client.ts';
import { Logo } from '../components/Logo.tsx';
import { StatusPill, type Tone } from '../components/StatusPill.tsx';
import type { SystemState } from './useSystemStatus.ts';
import './top-bar.css';

const CONNECTION_TONE: Record<ConnectionState, Tone> = { connecting: 'neutral', open: 'ok', closed: 'danger' };

function KeychainPill({ system }: { system: SystemState }) {
  const { t } = useTranslation();
  if (system.phase === 'loading') return <StatusPill tone="neutral" label={t('keychain.checking')} testId="topbar-keychain" />;
  if (system.phase !== 'ready') return null;
  return system.status.keychain === 'available' ? (
    <StatusPill tone="ok" label={t('keychain.available')} testId="topbar-keychain" />
  ) : (
    <StatusPill tone="danger" label={t('keychain.unavailable')} testId="topbar-keychain" />
  );
}

/**
 * Signed out it shows the workstation's own state (service connection, keychain). Signed in, the
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
        {status ?? (
          <>
            <StatusPill tone={CONNECTION_TONE[connection]} label={t(`connection.${connection}`)} testId="topbar-connection" />
            <KeychainPill system={system} />
          </>
        )}
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
