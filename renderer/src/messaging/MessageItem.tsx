import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { DirectoryEntry, Message } from '../../../shared/contract/index.ts';
import { useRenderFault } from '../app/render-fault.ts';
import { Button } from '../components/Button.tsx';
import { Icon, type IconName } from '../components/Icon.tsx';
import { When } from '../components/When.tsx';
import { quotePrefixLength } from '../../../shared/reply-quote.ts';
import { AttachmentChip } from './AttachmentChip.tsx';
import { MessageActions } from './MessageActions.tsx';
import { attachmentNameFromUrl, isEncryptedAttachmentAddress } from './attachment-name.ts';
import { nameFor } from './useMessaging.ts';

/** The reason a failed message failed, in plain words (literal keys, so the i18n check sees each). */
const FAILURE_TEXT = {
  no_such_recipient: 'failure.no_such_recipient',
  refused: 'failure.refused',
  too_large: 'failure.too_large',
  server_error: 'failure.server_error',
} as const;

const STATE_ICON: Record<Message['state'], IconName> = {
  queued: 'clock',
  sent: 'check',
  delivered: 'checks',
  read: 'checks',
  failed: 'alert',
};

interface Props {
  message: Message;
  directory: readonly DirectoryEntry[] | null;
  /** Send a failed message again, by its id (null while a retry is under way). */
  retry: ((message: Message) => void) | null;
  /** Continues a run from the same sender: drawn without its header (still read out). */
  grouped?: boolean;
  /** The search hit the thread was opened at: highlighted. */
  hit?: boolean;
  /** Start a reply to this message in the composer (no actions when absent). */
  reply?: (message: Message) => void;
  /** Shown under the message (an urgent message's acknowledgement). */
  extra?: ReactNode;
}

/**
 * One message. The body is a text child (React escapes it), never HTML, with dir="auto" so Arabic
 * or Hebrew reads right to left. A failed message says so in plain words and offers to send it again.
 */
export function MessageItem({ message, directory, retry, grouped = false, hit = false, reply, extra }: Props) {
  const { t } = useTranslation();
  useRenderFault('message');
  const out = message.direction === 'out';
  const sender = out ? t('thread.you') : nameFor(message.senderJid, directory);
  return (
    <div
      className={`message message--${message.direction}${grouped ? ' message--grouped' : ''}${hit ? ' message--hit' : ''}`}
      data-testid="message"
      data-state={message.state}
      data-direction={message.direction}
      data-hit={hit ? 'true' : undefined}
    >
      <div className={grouped && message.priority !== 'urgent' ? 'message__meta visually-hidden' : 'message__meta'}>
        <span className="message__sender" dir="auto">
          {sender}
        </span>
        <When time={message.sentAt} />
        {message.priority === 'urgent' ? (
          <span className="message__urgent" data-testid="message-urgent">
            <Icon name="alert" />
            {t('thread.urgent')}
          </span>
        ) : null}
      </div>
      {message.patientTag !== null ? (
        <span className="message__patient" data-testid="message-patient">
          <span className="message__patient-label">{t('thread.patient')}</span>
          {message.patientTag}
        </span>
      ) : null}
      {message.recalledAt !== null ? (
        <p className="message__body message__body--recalled">{t('thread.recalled')}</p>
      ) : message.attachments?.[0] !== undefined ? (
        <AttachmentChip file={message.attachments[0]} />
      ) : message.attachmentCount > 0 || isEncryptedAttachmentAddress(message.body) ? (
        <p className="message__file" data-testid="message-attachment">
          <Icon name="file" />
          <span className="message__file-name" dir="auto" data-testid="attachment-name">
            {(isEncryptedAttachmentAddress(message.body) ? null : attachmentNameFromUrl(message.body)) ?? t('thread.attachmentUnnamed')}
          </span>
          <span className="message__file-kind" data-testid="attachment-size">
            {t('thread.attachment')}
          </span>
        </p>
      ) : (
        <MessageText message={message} />
      )}
      <div className="message__foot">
        {message.editedAt !== null && message.recalledAt === null ? <span className="message__edited">{t('thread.edited')}</span> : null}
        {message.attachmentCount > 1 ? <span className="message__edited">{t('thread.attachments', { count: message.attachmentCount })}</span> : null}
        {out ? (
          <span className={`message__state message__state--${message.state}`} data-testid="message-state" data-state={message.state}>
            <Icon name={STATE_ICON[message.state]} />
            {t(`messageState.${message.state}`)}
          </span>
        ) : null}
      </div>
      {reply !== undefined ? <MessageActions message={message} reply={reply} /> : null}
      {extra}
      {out && message.state === 'failed' && message.recalledAt === null ? (
        <div className="message__failed" role="alert" data-testid="message-failed">
          <span>{message.failure ? t(FAILURE_TEXT[message.failure]) : t('composer.failedReason')}</span>
          <Button onClick={() => retry?.(message)} disabled={retry === null} data-testid="message-retry">
            {retry === null ? t('composer.retrying') : t('composer.retry')}
          </Button>
        </div>
      ) : null}
    </div>
  );
}

/** The text; a reply's leading quote (XEP-0461 fallback "> " lines) shows as a quote above it. */
function MessageText({ message }: { message: Message }) {
  const { t } = useTranslation();
  const quoted = message.replyToId != null ? quotePrefixLength(message.body) : 0;
  const quote = message.body.slice(0, quoted).split('\n').filter((l) => l !== '').map((l) => l.replace(/^> /, '')).join('\n');
  return (
    <>
      {quoted > 0 ? (
        <blockquote className="message__quote" dir="auto" aria-label={t('messageActions.quoted')} data-testid="message-quote">
          {quote}
        </blockquote>
      ) : null}
      <p className="message__body" dir="auto" data-testid="message-body">
        {message.body.slice(quoted)}
      </p>
    </>
  );
}
