import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from '../api/ClientProvider.tsx';
import { useInvalidate } from '../api/useContractQuery.ts';
import { Button } from '../components/Button.tsx';
import { FormError } from '../components/FormError.tsx';
import { useDirectory } from '../messaging/useMessaging.ts';
import type { UiError } from '../session/errors.ts';
import './rooms.css';

/** Create a team room: a name and the colleagues to invite (from the directory). */
export function NewRoomScreen({ own, open }: { own: string | null; open: (conversationId: number, jid: string, name: string) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const client = useClient();
  const invalidate = useInvalidate();
  const { entries, error: directoryError } = useDirectory({ askOnOpen: true });
  const [name, setName] = useState('');
  const [filter, setFilter] = useState('');
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<UiError>(null);
  const people = (entries ?? []).filter((e) => e.jid !== own);
  const shown = people.filter((e) => `${e.displayName ?? ''} ${e.jid}`.toLowerCase().includes(filter.trim().toLowerCase()));

  const toggle = (jid: string) =>
    setChosen((current) => {
      const next = new Set(current);
      if (next.has(jid)) next.delete(jid);
      else next.add(jid);
      return next;
    });

  const create = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (trimmed === '') {
      setMissing(true);
      return;
    }
    setMissing(false);
    setBusy(true);
    const result = await client.call('messaging.createRoom', { name: trimmed, members: [...chosen] });
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    invalidate(['conversations.inbox'], ['messaging.rooms']);
    open(result.value.conversationId, result.value.room.jid, trimmed);
  };

  return (
    <section className="new-room" aria-labelledby={`${id}-heading`} data-testid="new-room">
      <div className="new-room__header">
        <h1 id={`${id}-heading`}>{t('rooms.createHeading')}</h1>
        <p className="new-room__intro">{t('rooms.createIntro')}</p>
      </div>
      <form className="new-room__form" onSubmit={(e) => void create(e)}>
        <div className="field">
          <label htmlFor={`${id}-name`}>{t('rooms.name')}</label>
          <input
            id={`${id}-name`}
            autoFocus
            value={name}
            maxLength={100}
            autoComplete="off"
            dir="auto"
            aria-invalid={missing}
            aria-describedby={`${id}-name-note`}
            onChange={(e) => setName(e.target.value)}
            data-testid="new-room-name"
          />
          <p id={`${id}-name-note`} className={missing ? 'field__note field__note--error' : 'field__note'}>
            {missing ? t('rooms.nameMissing') : t('rooms.nameHint')}
          </p>
        </div>
        <fieldset className="new-room__people">
          <legend>{t('rooms.invite')}</legend>
          <FormError error={directoryError} secondsLeft={0} testId="new-room-directory-error" />
          {people.length > 6 ? (
            <div className="field">
              <label htmlFor={`${id}-filter`} className="visually-hidden">
                {t('rooms.filter')}
              </label>
              <input id={`${id}-filter`} type="search" placeholder={t('rooms.filter')} value={filter} onChange={(e) => setFilter(e.target.value)} />
            </div>
          ) : null}
          {entries === null && directoryError === null ? (
            <p className="new-room__empty">{t('common.loading')}</p>
          ) : people.length === 0 ? (
            <p className="new-room__empty">{t('rooms.noPeople')}</p>
          ) : (
            <ul className="new-room__list">
              {shown.map((entry) => (
                <li key={entry.jid}>
                  <label className="new-room__person" data-testid="new-room-person">
                    <input type="checkbox" checked={chosen.has(entry.jid)} onChange={() => toggle(entry.jid)} data-jid={entry.jid} />
                    <span className="new-room__person-name" dir="auto">
                      {entry.displayName ?? entry.jid}
                    </span>
                    <span className="new-room__person-jid">{entry.jid}</span>
                  </label>
                </li>
              ))}
            </ul>
          )}
          <p className="new-room__chosen" aria-live="polite">
            {t('rooms.chosen', { count: chosen.size })}
          </p>
        </fieldset>
        <FormError error={error} secondsLeft={0} testId="new-room-error" />
        <div className="new-room__actions">
          <Button type="submit" variant="primary" disabled={busy} data-testid="new-room-create">
            {busy ? t('rooms.creating') : t('rooms.create')}
          </Button>
        </div>
      </form>
    </section>
  );
}
