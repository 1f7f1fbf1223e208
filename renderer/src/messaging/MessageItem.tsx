import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { DirectoryEntry, Message } from '../../../shared/contract/index.ts';
import { useRenderFault } from '../app/render-fault.ts';
import { Button } from '../components/Button.tsx';
import { Icon, type IconName } from '../components/Icon.tsx';
import { When } from '../components/When.tsx';
import { attachmentNameFromUrl, isEncryptedAttachmentAddress } from './attachment-name.ts';
import { formatSize } from './format.ts';
import { nameFor } from './useMessaging.ts';

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
  /** Send a failed message's text again (null while a retry is under way). */
  retry: ((message: Message) => void) | null;
  /** Shown under the message (an urgent message's acknowledgement). */
  extra?: ReactNode;
}

/**
 * One message. The body is a text child (React escapes it), never HTML, with dir="auto" so Arabic
 * or Hebrew reads right to left. A failed message says so in plain words and offers to send it again.
 */
export function MessageItem({ message, directory, retry, extra }: Props) {
  const { t, i18n } = useTranslation();
  useRenderFault('message');
  const out = message.direction === 'out';
  const sender = out ? t('thread.you') : nameFor(message.senderJid, directory);
  return (
    <li className={`message message--${message.direction}`} data-testid="message" data-state={message.state} data-direction={message.direction}>
      <div className="message__meta">
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
      ) : message.attachmentCount > 0 || isEncryptedAttachmentAddress(message.body) ? (
        <p className="message__file" data-testid="message-attachment">
          <Icon name="file" />
          <span className="message__file-name" dir="auto" data-testid="attachment-name">
            {message.attachments?.[0]?.fileName ?? (isEncryptedAttachmentAddress(message.body) ? null : attachmentNameFromUrl(message.body)) ?? t('thread.attachmentUnnamed')}
          </span>
          <span className="message__file-kind" data-testid="attachment-size">
            {message.attachments?.[0] ? formatSize(message.attachments[0].size, i18n.resolvedLanguage) : t('thread.attachment')}
          </span>
        </p>
      ) : (
        <p className="message__body" dir="auto" data-testid="message-body">
          {message.body}
        </p>
      )}
      <div className="message__foot">
        {message.editedAt !== null ? <span className="message__edited">{t('thread.edited')}</span> : null}
        {message.attachmentCount > 1 ? <span className="message__edited">{t('thread.attachments', { count: message.attachmentCount })}</span> : null}
        {out ? (
          <span className={`message__state message__state--${message.state}`} data-testid="message-state" data-state={message.state}>
            <Icon name={STATE_ICON[message.state]} />
            {t(`messageState.${message.state}`)}
          </span>
        ) : null}
      </div>
      {extra}
      {out && message.state === 'failed' && message.recalledAt === null ? (
        <div className="message__failed" role="alert" data-testid="message-failed">
          {/* The core gives no reason per message yet; this is the generic one (see README). */}
          <span>{t('composer.failedReason')}</span>
          {message.attachmentCount === 0 ? (
            <Button onClick={() => retry?.(message)} disabled={retry === null} data-testid="message-retry">
              {retry === null ? t('composer.retrying') : t('composer.retry')}
            </Button>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}
