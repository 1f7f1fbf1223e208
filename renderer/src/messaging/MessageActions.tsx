import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Message } from '../../../shared/contract/index.ts';
import { useClient } from '../api/ClientProvider.tsx';
import { Button } from '../components/Button.tsx';
import { FormError } from '../components/FormError.tsx';
import { Icon } from '../components/Icon.tsx';
import type { UiError } from '../session/errors.ts';

/** How long one may edit or recall one's own message (core enforces the same 24 hours). */
const AMEND_WINDOW_MS = 24 * 60 * 60 * 1000;

type Mode = 'closed' | 'menu' | 'edit' | 'forward' | 'recall';

interface Props {
  message: Message;
  /** Start a reply to this message in the composer. */
  reply: (message: Message) => void;
}

/**
 * A message's actions behind one "Actions" button: reply, copy, forward, and for one's own
 * messages edit and recall (within 24 hours; core checks again). Edit and forward open a small
 * form in place; recall asks once. Copied text is cleared after the policy's seconds.
 */
export function MessageActions({ message, reply }: Props) {
  const { t } = useTranslation();
  const client = useClient();
  const id = useId();
  const [mode, setMode] = useState<Mode>('closed');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const clearTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (clearTimer.current !== null) clearTimeout(clearTimer.current);
  }, []);

  if (message.recalledAt !== null) return null;
  const own = message.direction === 'out';
  const isFile = message.attachmentCount > 0;
  // eslint-disable-next-line react-hooks/purity -- the window is re-checked by core; a stale answer only hides a button.
  const recent = Date.now() - message.sentAt < AMEND_WINDOW_MS;
  const sent = message.state !== 'queued' && message.state !== 'failed';
  const canEdit = own && recent && sent && !isFile;
  const canRecall = own && recent && message.state !== 'queued';

  const run = async (call: () => Promise<{ ok: true } | { ok: false; error: UiError }>) => {
    setBusy(true);
    const result = await call();
    setBusy(false);
    if (result.ok) {
      setError(null);
      setMode('closed');
    } else setError(result.error);
    return result.ok;
  };

  const copy = async () => {
    const result = await client.call('messaging.copy', { messageId: message.id });
    if (!result.ok) {
      setError(result.error);
      return;
    }
    const seconds = result.value.clearAfterSeconds;
    if (result.value.copied === 'page') {
      const copied = result.value.text;
      // The browser path: the page writes the text and, after the policy's seconds, overwrites it
      // (a page may not read the clipboard, so it cannot check whether something else was copied since).
      await navigator.clipboard.writeText(copied).catch(() => undefined);
      if (clearTimer.current !== null) clearTimeout(clearTimer.current);
      clearTimer.current = setTimeout(() => void navigator.clipboard.writeText('').catch(() => undefined), seconds * 1000);
    }
    setError(null);
    setMode('closed');
    setNotice(t('messageActions.copied', { seconds }));
  };

  const submitEdit = (event: FormEvent) => {
    event.preventDefault();
    const body = text.trim();
    if (body === '' || body === message.body) return setMode('closed');
    void run(() => client.call('messaging.edit', { messageId: message.id, body }));
  };
  const submitForward = (event: FormEvent) => {
    event.preventDefault();
    const to = text.trim();
    if (to === '') return;
    void run(() => client.call('messaging.forward', { messageId: message.id, to })).then((ok) => ok && setNotice(t('messageActions.forwarded')));
  };

  return (
    <div className="message-actions" data-testid="message-actions">
      {/* A small icon button beside the bubble, shown on hover and focus (always in the tab order). */}
      <button
        type="button"
        className="hover-action message-actions__toggle"
        aria-expanded={mode !== 'closed'}
        aria-controls={`${id}-menu`}
        onClick={() => setMode(mode === 'closed' ? 'menu' : 'closed')}
        data-testid="message-actions-toggle"
      >
        <Icon name="dots" />
        <span className="visually-hidden">{t('messageActions.label')}</span>
      </button>
      {mode === 'menu' ? (
        <div id={`${id}-menu`} className="message-actions__menu" role="group" aria-label={t('messageActions.label')}>
          <Button onClick={() => (setMode('closed'), reply(message))} data-testid="action-reply">
            {t('messageActions.reply')}
          </Button>
          {!isFile ? (
            <Button onClick={() => void copy()} data-testid="action-copy">
              {t('messageActions.copy')}
            </Button>
          ) : null}
          <Button onClick={() => (setText(''), setMode('forward'))} data-testid="action-forward">
            {t('messageActions.forward')}
          </Button>
          {canEdit ? (
            <Button onClick={() => (setText(message.body), setMode('edit'))} data-testid="action-edit">
              {t('messageActions.edit')}
            </Button>
          ) : null}
          {canRecall ? (
            <Button onClick={() => setMode('recall')} data-testid="action-recall">
              {t('messageActions.recall')}
            </Button>
          ) : null}
        </div>
      ) : null}
      {mode === 'edit' ? (
        <form className="message-actions__form" onSubmit={submitEdit} data-testid="edit-form">
          <label htmlFor={`${id}-edit`} className="visually-hidden">
            {t('messageActions.editLabel')}
          </label>
          <textarea id={`${id}-edit`} dir="auto" rows={2} maxLength={10_000} value={text} autoFocus onChange={(e) => setText(e.target.value)} data-testid="edit-input" />
          <Button type="submit" variant="primary" disabled={busy} data-testid="edit-save">
            {t('messageActions.save')}
          </Button>
          <Button onClick={() => setMode('closed')}>{t('messageActions.cancel')}</Button>
        </form>
      ) : null}
      {mode === 'forward' ? (
        <form className="message-actions__form" onSubmit={submitForward} data-testid="forward-form">
          <label htmlFor={`${id}-to`}>{t('messageActions.forwardTo')}</label>
          <input id={`${id}-to`} type="text" autoComplete="off" spellCheck={false} value={text} autoFocus onChange={(e) => setText(e.target.value)} data-testid="forward-to" />
          <Button type="submit" variant="primary" disabled={busy} data-testid="forward-send">
            {t('messageActions.forward')}
          </Button>
          <Button onClick={() => setMode('closed')}>{t('messageActions.cancel')}</Button>
        </form>
      ) : null}
      {mode === 'recall' ? (
        <div className="message-actions__form" role="group" aria-label={t('messageActions.recallConfirm')}>
          <span>{t('messageActions.recallConfirm')}</span>
          <Button variant="primary" disabled={busy} onClick={() => void run(() => client.call('messaging.recall', { messageId: message.id }))} data-testid="recall-confirm">
            {t('messageActions.recall')}
          </Button>
          <Button onClick={() => setMode('closed')}>{t('messageActions.cancel')}</Button>
        </div>
      ) : null}
      {notice !== null ? (
        <span className="message-actions__notice" role="status" data-testid="action-notice">
          {notice}
        </span>
      ) : null}
      <FormError error={error} secondsLeft={0} testId="action-error" />
    </div>
  );
}
