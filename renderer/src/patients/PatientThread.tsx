import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { DirectoryEntry, PatientEntry } from '../../../shared/contract/index.ts';
import { useClient } from '../api/ClientProvider.tsx';
import { useInvalidate } from '../api/useContractQuery.ts';
import { Button } from '../components/Button.tsx';
import { FormError } from '../components/FormError.tsx';
import { formatFull, formatWhen, isoOf } from '../messaging/format.ts';
import type { UiError } from '../session/errors.ts';
import { nameForLocalPart } from './colleague-name.ts';
import { DELIVERY_TEXT, FAILURE_TEXT, LINK_TEXT } from './delivery-words.ts';
import { applyTemplate, unfilled } from './templates.ts';
import { TemplatePicker } from './TemplatePicker.tsx';
import { usePatientTemplates, usePatientThread } from './usePatients.ts';

function Entry({ entry, directory }: { entry: PatientEntry; directory: readonly DirectoryEntry[] | null }) {
  const { t, i18n } = useTranslation();
  const who = entry.author === 'patient' ? t('patients.thread.patient') : entry.author === 'me' ? t('patients.thread.you') : (entry.sender === null ? '' : nameForLocalPart(entry.sender, directory));
  return (
    <li className={`patient-entry patient-entry--${entry.author}${entry.note ? ' patient-entry--note' : ''}`} data-testid="patient-entry" data-author={entry.author} data-note={entry.note}>
      <div className="patient-entry__head">
        <span className="patient-entry__who">{who}</span>
        <time dateTime={isoOf(entry.sentAt)}>{formatWhen(entry.sentAt, i18n.language) ?? ''}</time>
      </div>
      {entry.note ? <p className="patient-entry__note-label">{t('patients.thread.note')}</p> : null}
      {/* Text only: a patient's reply is never HTML. */}
      <p className="patient-entry__body">{entry.body}</p>
      {entry.delivery !== null ? (
        <p className={`patient-entry__state patient-entry__state--${entry.delivery}`} data-testid="patient-delivery" data-state={entry.delivery}>
          {entry.failure !== null
            ? t(FAILURE_TEXT[entry.failure], { time: entry.until === null ? '' : formatFull(entry.until, i18n.language) ?? '' })
            : t(DELIVERY_TEXT[entry.delivery])}
        </p>
      ) : null}
    </li>
  );
}

/** One patient conversation: who handles it, the messages with their patient-side states, notes, and the composer. */
export function PatientThread({ conversationId, me, directory }: { conversationId: string; me: string | null; directory: readonly DirectoryEntry[] | null }) {
  const { t } = useTranslation();
  const client = useClient();
  const invalidate = useInvalidate();
  const id = useId();
  const { entries, conversation, error } = usePatientThread(conversationId);
  const templates = usePatientTemplates();
  const [text, setText] = useState('');
  const [note, setNote] = useState(false);
  const [assignee, setAssignee] = useState('');
  const [failure, setFailure] = useState<UiError>(null);
  const [busy, setBusy] = useState(false);
  const nameOf = (jid: string) => directory?.find((d) => d.jid === jid)?.displayName ?? jid.split('@')[0] ?? jid;

  const act = async (run: () => Promise<{ ok: boolean; error?: UiError }>) => {
    setBusy(true);
    setFailure(null);
    const result = await run();
    setBusy(false);
    if (!result.ok) setFailure(result.error ?? null);
    invalidate(['patients.list'], ['patients.thread', { conversationId }]);
    return result.ok;
  };

  if (conversation === null) {
    return error ? <FormError error={error} secondsLeft={0} testId="patient-thread-error" /> : <p className="patients__empty">{t('common.loading')}</p>;
  }
  const left = unfilled(text);
  const closed = conversation.status === 'closed';
  const send = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim() === '' || (left.length > 0 && !note) || (closed && !note)) return;
    void act(() => client.call('patients.send', { conversationId, body: text.trim(), note })).then((ok) => ok && setText(''));
  };
  const assign = (to: string | null) => void act(() => client.call('patients.assign', { conversationId, assignee: to }));
  const setStatus = (status: 'open' | 'closed') => void act(() => client.call('patients.setStatus', { conversationId, status }));

  return (
    <section className="patient-thread" aria-labelledby={`${id}-heading`} data-testid="patient-thread">
      <header className="patient-thread__header">
        <div>
          <h2 id={`${id}-heading`}>{conversation.name}</h2>
          <p className="patient-thread__meta">
            {t(conversation.channel === 'sms' ? 'patients.channel.sms' : 'patients.channel.email', { hint: conversation.contactHint })} · {t(LINK_TEXT[conversation.link])}
            {conversation.optedOut ? ` · ${t('patients.optedOut')}` : ''}
          </p>
          <p className="patient-thread__handler" data-testid="patient-handler">
            {conversation.assignee === null ? t('patients.unassigned') : conversation.assignee === me ? t('patients.handledByYou') : t('patients.handledBy', { name: nameOf(conversation.assignee) })}
          </p>
        </div>
        <div className="patient-thread__actions">
          {conversation.assignee === me ? (
            <Button onClick={() => assign(null)} disabled={busy} data-testid="patient-release">
              {t('patients.actions.release')}
            </Button>
          ) : (
            <Button variant="primary" onClick={() => me && assign(me)} disabled={busy || me === null} data-testid="patient-claim">
              {t('patients.actions.claim')}
            </Button>
          )}
          <form
            className="patient-thread__assign"
            onSubmit={(e) => {
              e.preventDefault();
              if (assignee) assign(assignee);
            }}
          >
            <label htmlFor={`${id}-assign`} className="visually-hidden">
              {t('patients.actions.assign')}
            </label>
            <select id={`${id}-assign`} value={assignee} onChange={(e) => setAssignee(e.target.value)} data-testid="patient-assignee">
              <option value="">{t('patients.actions.assignPlaceholder')}</option>
              {(directory ?? []).map((d) => (
                <option key={d.jid} value={d.jid}>
                  {d.displayName ?? d.jid}
                </option>
              ))}
            </select>
            <Button type="submit" disabled={busy || assignee === ''}>
              {t('patients.actions.assignSubmit')}
            </Button>
          </form>
          {conversation.link === 'locked' || conversation.link === 'expired' ? (
            <Button onClick={() => void act(() => client.call('patients.resendLink', { conversationId }))} disabled={busy} data-testid="patient-resend">
              {t('patients.actions.resend')}
            </Button>
          ) : null}
          <Button onClick={() => setStatus(closed ? 'open' : 'closed')} disabled={busy} data-testid={closed ? 'patient-reopen' : 'patient-close'}>
            {closed ? t('patients.actions.reopen') : t('patients.actions.close')}
          </Button>
        </div>
      </header>
      <ol className="patient-thread__list" aria-label={t('patients.thread.listLabel')} data-testid="patient-entries">
        {entries === null || entries.length === 0 ? <li className="patients__empty">{t('patients.thread.empty')}</li> : entries.map((e) => <Entry key={e.id} entry={e} directory={directory} />)}
      </ol>
      <FormError error={failure} secondsLeft={0} testId="patient-action-error" />
      <form className={`patient-composer${note ? ' patient-composer--note' : ''}`} onSubmit={send}>
        <div className="patient-composer__top">
          <fieldset className="patient-composer__mode">
            <legend className="visually-hidden">{t('patients.composer.mode')}</legend>
            <label>
              <input type="radio" name={`${id}-mode`} checked={!note} onChange={() => setNote(false)} data-testid="patient-mode-message" />
              {t('patients.composer.modeMessage')}
            </label>
            <label>
              <input type="radio" name={`${id}-mode`} checked={note} onChange={() => setNote(true)} data-testid="patient-mode-note" />
              {t('patients.composer.modeNote')}
            </label>
          </fieldset>
          {note ? null : <TemplatePicker templates={templates} language={conversation.language} onPick={(x) => setText(applyTemplate(x.text, { name: conversation.name }))} />}
        </div>
        <label htmlFor={`${id}-text`} className="visually-hidden">
          {note ? t('patients.composer.noteLabel') : t('patients.composer.label')}
        </label>
        <textarea id={`${id}-text`} rows={3} value={text} onChange={(e) => setText(e.target.value)} maxLength={4000} placeholder={note ? t('patients.composer.noteLabel') : t('patients.composer.label')} data-testid="patient-text" />
        {!note && left.length > 0 ? (
          <p className="field__note field__note--error" data-testid="patient-placeholders">
            {t('patients.composer.placeholderLeft', { placeholders: left.join(', ') })}
          </p>
        ) : null}
        {!note && closed ? <p className="field__note">{t('patients.composer.closedHint')}</p> : null}
        <div className="patient-composer__actions">
          <Button type="submit" variant="primary" disabled={busy || text.trim() === '' || (!note && (left.length > 0 || closed))} data-testid="patient-send">
            {note ? t('patients.composer.addNote') : t('patients.composer.send')}
          </Button>
        </div>
      </form>
    </section>
  );
}
