import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditRecordView } from '../../../shared/contract/index.ts';
import { useClient } from '../api/ClientProvider.tsx';
import { useContractQuery } from '../api/useContractQuery.ts';
import type { en } from '../i18n/en.ts';
import { Button } from '../components/Button.tsx';
import { FormError } from '../components/FormError.tsx';
import { When } from '../components/When.tsx';
import type { UiError } from '../session/errors.ts';
import { TrailIntegrityNotice } from './TrailIntegrityNotice.tsx';
import './activity.css';

const PAGE = 50;

/** i18n keys cannot hold dots: 'auth.sign_in' is worded under auditEvent.auth_sign_in. */
type EventKey = keyof (typeof en)['auditEvent'];
const eventKey = (event: AuditRecordView['event']) => event.replace('.', '_') as EventKey;

/** The staff member's own audit records, newest first, in plain words. */
export function ActivityScreen() {
  const client = useClient();
  const { t } = useTranslation();
  const first = useContractQuery('audit.myActivity', { limit: PAGE });
  /** Older pages asked for with "Show older activity", after the first. */
  const [older, setOlder] = useState<{ records: readonly AuditRecordView[]; next: number | null } | null>(null);
  const [busy, setBusy] = useState(false);
  const [moreError, setError] = useState<UiError>(null);
  const records = first.data === null ? null : [...first.data.records, ...(older?.records ?? [])];
  const next = older !== null ? older.next : (first.data?.nextBeforeSeq ?? null);
  const error = moreError ?? first.error;

  const more = async () => {
    if (next === null) return;
    setBusy(true);
    const result = await client.call('audit.myActivity', { limit: PAGE, beforeSeq: next });
    setBusy(false);
    if (result.ok) setOlder((o) => ({ records: [...(o?.records ?? []), ...result.value.records], next: result.value.nextBeforeSeq }));
    else setError(result.error);
  };

  return (
    <section className="activity" aria-labelledby="activity-heading" data-testid="activity">
      <div className="activity__header">
        <h1 id="activity-heading">{t('activity.heading')}</h1>
        <p className="activity__intro">{t('activity.intro')}</p>
      </div>
      <TrailIntegrityNotice />
      <FormError error={error} secondsLeft={0} testId="activity-error" />
      {records === null ? (
        error ? null : <p className="activity__empty">{t('common.loading')}</p>
      ) : records.length === 0 ? (
        <p className="activity__empty">{t('activity.empty')}</p>
      ) : (
        <table className="activity__table">
          <thead>
            <tr>
              <th scope="col">{t('activity.time')}</th>
              <th scope="col">{t('activity.event')}</th>
              <th scope="col">{t('activity.outcome')}</th>
            </tr>
          </thead>
          <tbody>
            {records.map((r) => (
              <tr key={r.seq} data-testid="activity-row" data-event={r.event}>
                <td>
                  <When time={r.time} full />
                </td>
                <td>{t(`auditEvent.${eventKey(r.event)}`)}</td>
                <td>
                  <span className={`activity__outcome activity__outcome--${r.outcome}`}>{t(`activity.outcomes.${r.outcome}`)}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next !== null ? (
        <div>
          <Button onClick={() => void more()} disabled={busy} data-testid="activity-more">
            {busy ? t('common.loading') : t('activity.more')}
          </Button>
        </div>
      ) : null}
    </section>
  );
}
