import { useTranslation } from 'react-i18next';
import type { DirectoryEntry, InboxEntry } from '../../../shared/contract/index.ts';
import { FormError } from '../components/FormError.tsx';
import { useRenderFault } from '../app/render-fault.ts';
import { When } from '../components/When.tsx';
import type { UiError } from '../session/errors.ts';
import { isEncryptedAttachmentAddress } from './attachment-name.ts';
import { nameFor } from './useMessaging.ts';
import './inbox-list.css';

interface Props {
  entries: readonly InboxEntry[] | null;
  error: UiError;
  directory: readonly DirectoryEntry[] | null;
  activeId: number | null;
  open: (entry: InboxEntry) => void;
}

/** Conversations by last activity: name, time, unread count and a one-line text preview. */
export function InboxList({ entries, error, directory, activeId, open }: Props) {
  const { t } = useTranslation();
  useRenderFault('inbox');
  if (error) return <FormError error={error} secondsLeft={0} testId="inbox-error" />;
  if (entries === null) return <p className="side-nav__empty">{t('common.loading')}</p>;
  if (entries.length === 0) return <p className="side-nav__empty">{t('inbox.empty')}</p>;
  return (
    <ul className="inbox-list" data-testid="inbox">
      {entries.map((entry) => {
        const title = entry.title ?? nameFor(entry.jid, directory);
        // A file still downloading has its address (with the file's key) as its text: never shown.
        const text =
          entry.preview !== null && isEncryptedAttachmentAddress(entry.preview)
            ? t('thread.attachmentUnnamed')
            : entry.previewIsAttachment && entry.preview !== null
              ? t('inbox.attachmentPreview', { name: entry.preview })
              : entry.preview;
        const preview = text === null ? t('inbox.noMessages') : entry.previewDirection === 'out' ? t('inbox.youPrefix', { text }) : text;
        return (
          <li key={entry.id}>
            <button
              type="button"
              className="side-nav__item inbox-list__item"
              aria-current={entry.id === activeId ? 'page' : undefined}
              onClick={() => open(entry)}
              data-testid="inbox-item"
              data-unread={entry.unreadCount}
            >
              <span className="inbox-list__top">
                <span className="inbox-list__title" dir="auto">
                  {title}
                </span>
                {entry.lastActivity === null ? null : <When className="inbox-list__time" time={entry.lastActivity} />}
              </span>
              <span className="inbox-list__bottom">
                <span className="inbox-list__preview" dir="auto">
                  {preview}
                </span>
                {entry.unreadCount > 0 ? (
                  <span className="inbox-list__unread" data-testid="inbox-unread">
                    <span aria-hidden="true">{entry.unreadCount}</span>
                    <span className="visually-hidden">{t('inbox.unread', { count: entry.unreadCount })}</span>
                  </span>
                ) : null}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
