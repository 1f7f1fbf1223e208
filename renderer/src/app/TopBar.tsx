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

export function TopBar({ connection, system }: { connection: ConnectionState; system: SystemState }) {
  const { t } = useTranslation();
  return (
    <header className="top-bar">
      <div className="top-bar__brand">
        <Logo />
        <span className="top-bar__name">{t('app.name')}</span>
        <span className="top-bar__tagline">{t('app.tagline')}</span>
      </div>
      {/* role="status": changes (connection lost, keychain gone) are announced politely. */}
      <div className="top-bar__status" role="status" aria-label={t('shell.statusArea')}>
        <StatusPill tone={CONNECTION_TONE[connection]} label={t(`connection.${connection}`)} testId="topbar-connection" />
        <KeychainPill system={system} />
      </div>
    </header>
  );
}
