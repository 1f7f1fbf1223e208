import { useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { DirectoryEntry, InboxEntry } from '../../../shared/contract/index.ts';
import { FormError } from '../components/FormError.tsx';
import { Icon, type IconName } from '../components/Icon.tsx';
import { useRenderFault } from '../app/render-fault.ts';
import { When } from '../components/When.tsx';
import type { UiError } from '../session/errors.ts';
import { isEncryptedAttachmentAddress } from './attachment-name.ts';
import { InboxRowMenu } from './InboxRowMenu.tsx';
import { nameFor } from './useMessaging.ts';
import './inbox-list.css';

interface Props {
  entries: readonly InboxEntry[] | null;
  error: UiError;
  directory: readonly DirectoryEntry[] | null;
  activeId: number | null;
  open: (entry: InboxEntry) => void;
}

/** Conversations, pinned first then by last activity: name, time, unread count, a one-line text preview, and each row's actions. */
export function InboxList({ entries, error, directory, activeId, open }: Props) {
  const { t } = useTranslation();
  useRenderFault('inbox');
  if (error) return <FormError error={error} secondsLeft={0} testId="inbox-error" />;
  if (entries === null) return <p className="side-nav__empty">{t('common.loading')}</p>;
  if (entries.length === 0) return <p className="side-nav__empty">{t('inbox.empty')}</p>;
  return (
    <ul className="inbox-list" data-testid="inbox">
      {entries.map((entry) => (
        <InboxRow key={entry.id} entry={entry} directory={directory} active={entry.id === activeId} open={open} />
      ))}
    </ul>
  );
}

/** One conversation: the row that opens it, and its actions menu (pin, mute, mark unread). */
function InboxRow({ entry, directory, active, open }: { entry: InboxEntry; directory: Props['directory']; active: boolean; open: Props['open'] }) {
  const { t } = useTranslation();
  const [menu, setMenu] = useState(false);
  const title = entry.title ?? nameFor(entry.jid, directory);
  // A file still downloading has its address (with the file's key) as its text: never shown.
  const text =
    entry.preview !== null && isEncryptedAttachmentAddress(entry.preview)
      ? t('thread.attachmentUnnamed')
      : entry.previewIsAttachment && entry.preview !== null
        ? t('inbox.attachmentPreview', { name: entry.preview })
        : entry.preview;
  const preview = text === null ? t('inbox.noMessages') : entry.previewDirection === 'out' ? t('inbox.youPrefix', { text }) : text;
  // Shift+F10 and the context-menu key open the row's actions, as a right-click does.
  const menuKey = (event: KeyboardEvent) => {
    if (event.key === 'ContextMenu' || (event.shiftKey && event.key === 'F10')) {
      event.preventDefault();
      setMenu(true);
    }
  };
  return (
    <li
      className="inbox-list__row"
      data-menu-open={menu || undefined}
      onContextMenu={(event) => {
        event.preventDefault();
        setMenu(true);
      }}
    >
      <button
        type="button"
        className="side-nav__item inbox-list__item"
        aria-current={active ? 'page' : undefined}
        onClick={() => open(entry)}
        onKeyDown={menuKey}
        data-testid="inbox-item"
        data-unread={entry.unreadCount}
        data-pinned={entry.pinned || undefined}
        data-muted={entry.muted || undefined}
      >
        <span className="inbox-list__top">
          {entry.pinned ? <Flag icon="pin" label={t('inboxActions.pinned')} testId="inbox-pinned" /> : null}
          <span className="inbox-list__title" dir="auto">
            {title}
          </span>
          {entry.muted ? <Flag icon="bell-off" label={t('inboxActions.muted')} testId="inbox-muted" /> : null}
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
      <InboxRowMenu entry={entry} title={title} open={menu} setOpen={setMenu} />
    </li>
  );
}

/** A row's state as an icon (pinned, muted), named for screen readers. */
function Flag({ icon, label, testId }: { icon: IconName; label: string; testId: string }) {
  return (
    <span className="inbox-list__flag" data-testid={testId}>
      <Icon name={icon} />
      <span className="visually-hidden">{label}</span>
    </span>
  );
}
