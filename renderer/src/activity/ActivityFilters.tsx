import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../components/Button.tsx';
import { ACTIVITY_KIND_NAMES, type ActivityKind } from './activity-summary.ts';

export interface ActivityFilter {
  /** Local days, "YYYY-MM-DD" or empty. */
  readonly from: string;
  readonly to: string;
  readonly kind: ActivityKind | 'all';
}

export const NO_FILTER: ActivityFilter = { from: '', to: '', kind: 'all' };

/** Date range and kind of action; the list asks core for exactly these records. */
export function ActivityFilters({ value, onChange }: { value: ActivityFilter; onChange: (next: ActivityFilter) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const filtered = value.from !== '' || value.to !== '' || value.kind !== 'all';
  return (
    <form className="activity__filters" role="search" aria-label={t('activity.filters')} onSubmit={(e) => e.preventDefault()}>
      <div className="field">
        <label htmlFor={`${id}-from`}>{t('activity.from')}</label>
        <input id={`${id}-from`} type="date" value={value.from} max={value.to || undefined} onChange={(e) => onChange({ ...value, from: e.target.value })} data-testid="activity-from" />
      </div>
      <div className="field">
        <label htmlFor={`${id}-to`}>{t('activity.to')}</label>
        <input id={`${id}-to`} type="date" value={value.to} min={value.from || undefined} onChange={(e) => onChange({ ...value, to: e.target.value })} data-testid="activity-to" />
      </div>
      <div className="field">
        <label htmlFor={`${id}-kind`}>{t('activity.kind')}</label>
        <select id={`${id}-kind`} value={value.kind} onChange={(e) => onChange({ ...value, kind: e.target.value as ActivityFilter['kind'] })} data-testid="activity-kind">
          <option value="all">{t('activity.kinds.all')}</option>
          {ACTIVITY_KIND_NAMES.map((kind) => (
            <option key={kind} value={kind}>
              {t(`activity.kinds.${kind}`)}
            </option>
          ))}
        </select>
      </div>
      {filtered ? (
        <Button onClick={() => onChange(NO_FILTER)} data-testid="activity-clear">
          {t('activity.clear')}
        </Button>
      ) : null}
    </form>
  );
}
