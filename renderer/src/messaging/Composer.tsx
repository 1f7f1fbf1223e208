import { useId, useRef, useState, type DragEvent, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Message } from '../../../shared/contract/index.ts';
import { Button } from '../components/Button.tsx';
import { FormError } from '../components/FormError.tsx';
import { Icon } from '../components/Icon.tsx';
import { useClient } from '../api/ClientProvider.tsx';
import { localError, useRetryCountdown, type UiError } from '../session/errors.ts';
import { useQuickReplies } from '../quick-replies/QuickReplies.tsx';
import { AttachFile } from './AttachFile.tsx';
import { bodyLength, MAX_BODY } from './body-limit.ts';

const MAX_TAG = 100;

/**
 * Enter sends, Shift+Enter starts a new line. The text stays in the box until main has written it.
 * Near the limit a counter shows; past it sending is refused (the box never cuts a paste short).
 * It takes focus when a conversation opens, so one can type at once.
 */
interface ComposerProps {
  to: string;
  sent: (message: Message) => void;
  /** The message being answered (its quote goes before the text), if any. */
  replyTo?: Message | null;
  clearReply?: () => void;
}

export function Composer({ to, sent, replyTo = null, clearReply }: ComposerProps) {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const id = useId();
  const [body, setBody] = useState('');
  const [urgent, setUrgent] = useState(false);
  const [tag, setTag] = useState('');
  const [busy, setBusy] = useState(false);
  const [attaching, setAttaching] = useState(false);
  const [error, setError] = useState<UiError>(null);
  const wait = useRetryCountdown(error);
  const length = bodyLength(body);
  const input = useRef<HTMLTextAreaElement>(null);
  const quick = useQuickReplies(body, setBody, input);
  const patientTag = () => (tag.trim() === '' ? null : tag.trim());
  // The urgent flag and the patient tag belong to one message (or file) and never carry over to the next.
  const clearOptions = () => {
    setUrgent(false);
    setTag('');
  };

  const send = async () => {
    const text = body.trim();
    if (busy || attaching || text === '' || wait > 0 || length.over > 0) return;
    setBusy(true);
    const result = await client.call('messaging.send', {
      to,
      body: text,
      priority: urgent ? 'urgent' : 'normal',
      patientTag: patientTag(),
      ...(replyTo === null ? {} : { replyToId: replyTo.id }),
    });
    setBusy(false);
    if (result.ok) {
      setBody('');
      clearOptions();
      clearReply?.();
      setError(null);
      sent(result.value.message);
    } else setError(result.error);
  };
  const sentFile = (message: Message) => {
    clearOptions();
    sent(message);
  };
  // A file dropped anywhere on the composer is attached as if chosen with "Attach file".
  const attachRef = useRef<((file: File) => void) | null>(null);
  const [dragging, setDragging] = useState(false);
  const carriesFiles = (event: DragEvent) => event.dataTransfer.types.includes('Files');
  const onDragOver = (event: DragEvent<HTMLFormElement>) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    setDragging(true);
  };
  const onDrop = (event: DragEvent<HTMLFormElement>) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    setDragging(false);
    const files = [...event.dataTransfer.files];
    if (files.length !== 1) setError(localError(t('attachment.dropOne')));
    else attachRef.current?.(files[0]!);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void send();
  };
  const onKey = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (quick.onKeyDown(event)) return;
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  };

  return (
    <form
      className={dragging ? 'composer composer--drop' : 'composer'}
      onSubmit={submit}
      onDragOver={onDragOver}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
      data-testid="composer"
    >
      {dragging ? (
        <p className="composer__drop" aria-hidden="true">
          {t('attachment.dropHere')}
        </p>
      ) : null}
      <FormError error={error} secondsLeft={wait} testId="composer-error" />
      {replyTo !== null ? (
        <div className="composer__reply" data-testid="composer-reply">
          <span className="composer__reply-label">{t('messageActions.replyingTo')}</span>
          <span className="composer__reply-text" dir="auto">
            {replyTo.body.slice(0, 140)}
          </span>
          <Button onClick={() => clearReply?.()} data-testid="composer-reply-cancel">
            <Icon name="cross" />
            <span className="visually-hidden">{t('messageActions.cancelReply')}</span>
          </Button>
        </div>
      ) : null}
      <label htmlFor={`${id}-body`} className="visually-hidden">
        {t('composer.label')}
      </label>
      {quick.popup}
      <div className="composer__row">
        <textarea
          id={`${id}-body`}
          ref={input}
          {...quick.aria}
          className="composer__input"
          rows={2}
          dir="auto"
          autoFocus
          value={body}
          aria-invalid={length.over > 0}
          placeholder={t('composer.placeholder')}
          onChange={(e) => setBody(e.target.value)}
          onKeyDown={onKey}
          aria-describedby={length.near ? `${id}-count ${id}-hint` : `${id}-hint`}
          data-testid="composer-input"
        />
        <Button type="submit" variant="primary" disabled={busy || attaching || body.trim() === '' || wait > 0 || length.over > 0}
          data-testid="composer-send"
        >
          <Icon name="send" />
          {t('composer.send')}
        </Button>
      </div>
      {length.near ? (
        <p id={`${id}-count`} className={length.over > 0 ? 'composer__count composer__count--over' : 'composer__count'} aria-live="polite" data-testid="composer-count">
          {length.over > 0
            ? t('composer.tooLong', { over: length.over.toLocaleString(i18n.resolvedLanguage) })
            : t('composer.count', { used: length.used.toLocaleString(i18n.resolvedLanguage), max: MAX_BODY.toLocaleString(i18n.resolvedLanguage) })}
        </p>
      ) : null}
      <div className="composer__options">
        <label className="composer__urgent">
          <input type="checkbox" checked={urgent} onChange={(e) => setUrgent(e.target.checked)} data-testid="composer-urgent" />
          {t('composer.urgent')}
        </label>
        <div className="composer__tag">
          <label htmlFor={`${id}-tag`}>{t('composer.patientTag')}</label>
          <input
            id={`${id}-tag`}
            type="text"
            maxLength={MAX_TAG}
            value={tag}
            placeholder={t('composer.patientTagPlaceholder')}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => setTag(e.target.value)}
            data-testid="composer-patient-tag"
          />
        </div>
        {quick.controls}
        <AttachFile
         
          to={to}
          priority={urgent ? 'urgent' : 'normal'}
          patientTag={patientTag()}
          disabled={busy || wait > 0}
          busy={setAttaching}
          failed={setError}
          sent={sentFile}
          attachRef={attachRef}
        />
        <span id={`${id}-hint`} className="composer__hint">
          {t('composer.hint')}
        </span>
      </div>
    </form>
  );
}
