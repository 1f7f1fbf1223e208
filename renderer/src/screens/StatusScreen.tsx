import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { SystemStatus } from '../../../shared/contract/index.ts';

/** The server's message archive as messaging.state reports it; absent before sign-in. */
export type ArchiveState = 'unknown' | 'ok' | 'missing';
import { Button } from '../components/Button.tsx';
import { Icon } from '../components/Icon.tsx';
import { StatusPill } from '../components/StatusPill.tsx';
import type { SystemState } from '../app/useSystemStatus.ts';
import { useConnection } from '../app/useConnection.ts';
import './status-screen.css';

const KNOWN_PLATFORMS = ['linux', 'win32', 'darwin'] as const;

function Item({ label, children, testId }: { label: string; children: ReactNode; testId: string }) {
  return (
    <div className="status-item">
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

const ARCHIVE_TONE = { ok: 'ok', missing: 'warn', unknown: 'neutral' } as const;
const ARCHIVE_LABEL = { ok: 'status.archive_ok', missing: 'status.archive_missing', unknown: 'status.archive_unknown' } as const;

function Details({ status, archive }: { status: SystemStatus; archive: ArchiveState | undefined }) {
  const { t, i18n } = useTranslation();
  const connection = useConnection();
  const available = status.keychain === 'available';
  const known = KNOWN_PLATFORMS.find((p) => p === status.platform);
  const platform = known ? t(`platform.${known}`) : status.platform;
  const checkedAt = new Intl.DateTimeFormat(i18n.resolvedLanguage, { timeStyle: 'medium' }).format(status.checkedAt);
  return (
    <>
      {available ? null : (
        <div className="status-callout" role="alert" data-testid="keychain-unavailable">
          <h2>{t('status.keychainUnavailableTitle')}</h2>
          {/* Plain words from core (fixed, PHI-free text), rendered as text. */}
          <p>{status.keychainDetail}</p>
        </div>
      )}
      {archive === 'missing' ? (
        <div className="status-callout status-callout--warn" role="alert" data-testid="archive-missing">
          <h2>{t('status.archiveMissingTitle')}</h2>
          <p>{t('status.archiveMissingBody')}</p>
        </div>
      ) : null}
      <dl className="status-grid">
        <Item label={t('status.keychain')} testId="status-keychain">
          <StatusPill
            tone={available ? 'ok' : 'danger'}
            label={available ? t('status.keychainAvailable') : t('status.keychainUnavailable')}
          />
          {available ? <span className="status-item__note">{t('status.keychainAvailableNote')}</span> : null}
        </Item>
        <Item label={t('status.connection')} testId="status-connection">
          <StatusPill
            tone={connection === 'open' ? 'ok' : connection === 'closed' ? 'danger' : 'neutral'}
            label={connection === 'open' ? t('status.connectionOpen') : connection === 'closed' ? t('status.connectionClosed') : t('status.connectionConnecting')}
          />
          <span className="status-item__note">{connection === 'open' ? t('status.connectionOpenNote') : t('status.connectionClosedNote')}</span>
        </Item>
        <Item label={t('status.localData')} testId="status-profiles">
          {status.profileCount === 0 ? t('status.profilesNone') : t('status.profiles', { count: status.profileCount })}
        </Item>
        {archive === undefined ? null : (
          <Item label={t('status.archive')} testId="status-archive">
            <StatusPill tone={ARCHIVE_TONE[archive]} label={t(ARCHIVE_LABEL[archive])} />
          </Item>
        )}
        <Item label={t('status.version')} testId="status-version">
          <span className="status-item__mono">{status.appVersion}</span>
        </Item>
        <Item label={t('status.runtime')} testId="status-runtime">
          {status.runtime === 'desktop' ? t('status.runtimeDesktop') : t('status.runtimeBridge')}
        </Item>
        <Item label={t('status.platform')} testId="status-platform">
          {platform}
        </Item>
        <Item label={t('status.checkedAt')} testId="status-checked">
          <time dateTime={new Date(status.checkedAt).toISOString()}>{checkedAt}</time>
        </Item>
      </dl>
    </>
  );
}

export function StatusScreen({
  state,
  refresh,
  refreshing,
  archive,
}: {
  state: SystemState;
  refresh: () => Promise<void>;
  refreshing: boolean;
  /** Signed in: whether the server keeps the message archive history sync needs. */
  archive?: ArchiveState | undefined;
}) {
  const { t } = useTranslation();
  return (
    <section className="status-screen" aria-labelledby="status-heading" aria-busy={state.phase === 'loading'}>
      <div className="status-screen__header">
        <div>
          <h1 id="status-heading">{t('status.heading')}</h1>
          <p className="status-screen__intro">{t('status.intro')}</p>
        </div>
        <Button onClick={() => void refresh()} disabled={refreshing || state.phase !== 'ready'} data-testid="status-refresh">
          <Icon name="refresh" />
          {refreshing ? t('status.refreshing') : t('status.refresh')}
        </Button>
      </div>
      {state.phase === 'ready' ? (
        <Details status={state.status} archive={archive} />
      ) : (
        <p className="status-screen__loading" role="status">
          {t('status.loading')}
        </p>
      )}
    </section>
  );
}
