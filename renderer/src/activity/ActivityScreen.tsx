import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditRecordView, RequestOf } from '../../../shared/contract/index.ts';
import { AdminConsole } from '../admin/AdminConsole.tsx';
import { useClient } from '../api/ClientProvider.tsx';
import { useContractQuery } from '../api/useContractQuery.ts';
import { Button } from '../components/Button.tsx';
import { FormError } from '../components/FormError.tsx';
import { When } from '../components/When.tsx';
import type { UiError } from '../session/errors.ts';
import { ActivityExports } from './ActivityExports.tsx';
import { ActivityFilters, NO_FILTER, type ActivityFilter } from './ActivityFilters.tsx';
import { ACTIVITY_KINDS, eventKey, summarise, timeRange } from './activity-summary.ts';
import { TrailIntegrityNotice } from './TrailIntegrityNotice.tsx';
import './activity.css';

const PAGE = 50;

function requestFor(filter: ActivityFilter): RequestOf<'audit.myActivity'> {
  return {
    limit: PAGE,
    ...timeRange(filter.from, filter.to),
    ...(filter.kind === 'all' ? {} : { events: [...ACTIVITY_KINDS[filter.kind]] }),
  };
}

/** The staff member's own audit records, newest first, one plain line per action, filterable and exportable. */
export function ActivityScreen() {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<ActivityFilter>(NO_FILTER);
  // The admin role is what may acknowledge the trail (audit.integrity says so for the signed-in person).
  const integrity = useContractQuery('audit.integrity', {});
  return (
    <section className="activity" aria-labelledby="activity-heading" data-testid="activity">
      <div className="activity__header">
        <h1 id="activity-heading">{t('activity.heading')}</h1>
        <p className="activity__intro">{t('activity.intro')}</p>
      </div>
      <TrailIntegrityNotice />
      <ActivityExports isAdmin={integrity.data?.canAcknowledge === true} />
      {integrity.data?.canAcknowledge === true ? <AdminConsole /> : null}
      <ActivityFilters value={filter} onChange={setFilter} />
      {/* A new filter is a new list: its own first page and its own "older" pages. */}
      <ActivityList key={JSON.stringify(filter)} request={requestFor(filter)} filtered={filter.from !== '' || filter.to !== '' || filter.kind !== 'all'} />
    </section>
  );
}

function ActivityList({ request, filtered }: { request: RequestOf<'audit.myActivity'>; filtered: boolean }) {
  const client = useClient();
  const { t } = useTranslation();
  const first = useContractQuery('audit.myActivity', request);
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
    const result = await client.call('audit.myActivity', { ...request, beforeSeq: next });
    setBusy(false);
    if (result.ok) setOlder((o) => ({ records: [...(o?.records ?? []), ...result.value.records], next: result.value.nextBeforeSeq }));
    else setError(result.error);
  };

  const lines = records === null ? null : summarise(records);
  return (
    <>
      <FormError error={error} secondsLeft={0} testId="activity-error" />
      {lines === null ? (
        error ? null : <p className="activity__empty">{t('common.loading')}</p>
      ) : lines.length === 0 ? (
        <p className="activity__empty" data-testid="activity-empty">
          {filtered ? t('activity.noneMatch') : t('activity.empty')}
        </p>
      ) : (
        <ol className="activity__list" aria-label={t('activity.listLabel')}>
          {lines.map((r) => (
            <li key={r.key} className="activity__line" data-testid="activity-row" data-event={r.event} data-outcome={r.outcome}>
              <When time={r.time} full className="activity__time" />
              <span className="activity__what" data-testid="activity-what">
                {t(`auditEvent.${eventKey(r.event)}`)}
                {r.count > 1 ? <span className="activity__count">{t('activity.times', { count: r.count })}</span> : null}
              </span>
              {r.outcome === 'ok' ? null : (
                <span className={`activity__outcome activity__outcome--${r.outcome}`}>{t(`activity.outcomes.${r.outcome}`)}</span>
              )}
            </li>
          ))}
        </ol>
      )}
      {next !== null ? (
        <div>
          <Button onClick={() => void more()} disabled={busy} data-testid="activity-more">
            {busy ? t('common.loading') : t('activity.more')}
          </Button>
        </div>
      ) : null}
    </>
  );
}
