import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Message } from '../../../shared/contract/index.ts';
import type { Client } from '../api/client.ts';
import { Button } from '../components/Button.tsx';
import { FormError } from '../components/FormError.tsx';
import { Icon } from '../components/Icon.tsx';
import { useRetryCountdown, type UiError } from '../session/errors.ts';

const MAX_BODY = 10_000;

/** Enter sends, Shift+Enter starts a new line. The text stays in the box until main has written it. */
export function Composer({ client, to, sent }: { client: Client; to: string; sent: (message: Message) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [body, setBody] = useState('');
  const [urgent, setUrgent] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError>(null);
  const wait = useRetryCountdown(error);

  const send = async () => {
    const text = body.trim();
    if (busy || text === '' || wait > 0) return;
    setBusy(true);
    const result = await client.call('messaging.send', { to, body: text, priority: urgent ? 'urgent' : 'normal' });
    setBusy(false);
    if (result.ok) {
      setBody('');
      setUrgent(false);
      setError(null);
      sent(result.value.message);
    } else setError(result.error);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void send();
  };
  const onKey = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  };

  return (
    <form className="composer" onSubmit={submit} data-testid="composer">
      <FormError error={error} secondsLeft={wait} testId="composer-error" />
      <label htmlFor={`${id}-body`} className="visually-hidden">
        {t('composer.label')}
      </label>
      <div className="composer__row">
        <textarea
          id={`${id}-body`}
          className="composer__input"
          rows={2}
          maxLength={MAX_BODY}
          value={body}
          placeholder={t('composer.placeholder')}
          onChange={(e) => setBody(e.target.value)}
          onKeyDown={onKey}
          aria-describedby={`${id}-hint`}
          data-testid="composer-input"
        />
        <Button type="submit" variant="primary" disabled={busy || body.trim() === '' || wait > 0} data-testid="composer-send">
          <Icon name="send" />
          {t('composer.send')}
        </Button>
      </div>
      <div className="composer__options">
        <label className="composer__urgent">
          <input type="checkbox" checked={urgent} onChange={(e) => setUrgent(e.target.checked)} data-testid="composer-urgent" />
          {t('composer.urgent')}
        </label>
        <span id={`${id}-hint`} className="composer__hint">
          {t('composer.hint')}
        </span>
      </div>
    </form>
  );
}
