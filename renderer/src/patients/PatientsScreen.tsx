import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DirectoryEntry, PatientConversation } from '../../../shared/contract/index.ts';
import { Button } from '../components/Button.tsx';
import { FormError } from '../components/FormError.tsx';
import { Icon } from '../components/Icon.tsx';
import { formatWhen } from '../messaging/format.ts';
import { NewPatientForm } from './NewPatientForm.tsx';
import { PatientThread } from './PatientThread.tsx';
import { TemplatesManager } from './TemplatesManager.tsx';
import { sortInbox } from './inbox-order.ts';
import { usePatientInbox } from './usePatients.ts';
import './patients.css';

type Filter = 'open' | 'closed' | 'all';
const FILTERS = [
  ['open', 'patients.filterOpen'],
  ['closed', 'patients.filterClosed'],
  ['all', 'patients.filterAll'],
] as const;

function Row({ c, me, selected, select, nameOf }: { c: PatientConversation; me: string | null; selected: boolean; select: () => void; nameOf: (jid: string) => string }) {
  const { t, i18n } = useTranslation();
  return (
    <li>
      <button type="button" className="patients-row" aria-current={selected ? 'true' : undefined} onClick={select} data-testid="patient-row" data-waiting={c.waitingFor ?? ''}>
        <span className="patients-row__top">
          <span className="patients-row__name">{c.name}</span>
          <span className="patients-row__time">{formatWhen(c.lastActivityAt, i18n.language)}</span>
        </span>
        <span className="patients-row__bottom">
          {c.waitingFor === 'staff' ? (
            <span className="patients-badge patients-badge--reply">{t('patients.waitingForReply')}</span>
          ) : c.waitingFor === 'patient' ? (
            <span className="patients-badge">{t('patients.waitingForPatient')}</span>
          ) : null}
          {c.status === 'closed' ? <span className="patients-badge">{t('patients.closed')}</span> : null}
          {c.optedOut ? <span className="patients-badge patients-badge--warn">{t('patients.optedOut')}</span> : null}
          <span className="patients-row__handler" data-testid="patient-row-handler">
            {c.assignee === null ? t('patients.unassigned') : c.assignee === me ? t('patients.handledByYou') : t('patients.handledBy', { name: nameOf(c.assignee) })}
          </span>
          {c.unread > 0 ? (
            <span className="patients-row__unread" data-testid="patient-unread">
              {t('patients.unread', { count: c.unread })}
            </span>
          ) : null}
        </span>
      </button>
    </li>
  );
}

/** The Patients section: the team's shared inbox beside the open conversation or the new-message form. */
export function PatientsScreen({ me, directory }: { me: string | null; directory: readonly DirectoryEntry[] | null }) {
  const { t } = useTranslation();
  const id = useId();
  const [filter, setFilter] = useState<Filter>('open');
  const [selected, setSelected] = useState<string | 'new' | 'templates' | null>(null);
  const { conversations, error } = usePatientInbox(filter);
  const nameOf = (jid: string) => directory?.find((d) => d.jid === jid)?.displayName ?? jid.split('@')[0] ?? jid;

  return (
    <section className="patients" aria-labelledby={`${id}-heading`} data-testid="patients">
      <div className="patients__inbox">
        <div className="patients__head">
          <h1 id={`${id}-heading`}>{t('patients.heading')}</h1>
          <Button variant="primary" onClick={() => setSelected('new')} data-testid="patient-new">
            <Icon name="plus" />
            {t('patients.newMessage')}
          </Button>
        </div>
        <Button className="patients__templates" onClick={() => setSelected('templates')} data-testid="patient-templates-open">
          {t('patients.templates.manage')}
        </Button>
        <div className="patients__filters" role="group" aria-label={t('patients.filterLabel')}>
          {FILTERS.map(([value, key]) => (
            <button key={value} type="button" className="patients__filter" aria-pressed={filter === value} onClick={() => setFilter(value)} data-testid={`patient-filter-${value}`}>
              {t(key)}
            </button>
          ))}
        </div>
        {error ? <FormError error={error.code === 'network' ? { code: 'local', text: t('patients.unavailable') } : error} secondsLeft={0} testId="patients-error" /> : null}
        {conversations === null ? (
          error ? null : <p className="patients__empty">{t('common.loading')}</p>
        ) : conversations.length === 0 ? (
          <p className="patients__empty">{t('patients.empty')}</p>
        ) : (
          <ul className="patients__list" aria-label={t('patients.listLabel')}>
            {sortInbox(conversations).map((c) => (
              <Row key={c.conversationId} c={c} me={me} selected={selected === c.conversationId} select={() => setSelected(c.conversationId)} nameOf={nameOf} />
            ))}
          </ul>
        )}
      </div>
      <div className="patients__main">
        {selected === 'templates' ? (
          <TemplatesManager done={() => setSelected(null)} />
        ) : selected === 'new' ? (
          <NewPatientForm created={(c) => setSelected(c.conversationId)} cancel={() => setSelected(null)} />
        ) : selected !== null ? (
          <PatientThread key={selected} conversationId={selected} me={me} directory={directory} />
        ) : (
          <div className="patients__prompt">
            <p>{t('patients.intro')}</p>
            <p>{t('patients.selectPrompt')}</p>
          </div>
        )}
      </div>
    </section>
  );
}
