import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DirectoryEntry, Message, MessagePage } from '../../../shared/contract/index.ts';
import { useClient } from '../api/ClientProvider.tsx';
import { putUnreadCount } from '../api/screen-cache.ts';
import { useContractQuery } from '../api/useContractQuery.ts';
import { useRenderFault } from '../app/render-fault.ts';
import { Button } from '../components/Button.tsx';
import { FormError } from '../components/FormError.tsx';
import type { UiError } from '../session/errors.ts';
import { Acknowledgement } from '../alerts/Acknowledgement.tsx';
import { Composer } from './Composer.tsx';
import { ThreadList } from './ThreadList.tsx';
import { firstUnread, threadRows } from './thread-rows.ts';
import { foldAnswer, merge, type ThreadWindow } from './thread-window.ts';
import './thread.css';

/** The first page (what opening shows); later pages are larger, since they load while scrolling. */
const FIRST_PAGE = 50;
const PAGE = 200;

interface Props {
  /** null for a new chat: the conversation exists once the first message is written. */
  conversationId: number | null;
  jid: string;
  title: string;
  directory: readonly DirectoryEntry[] | null;
  started: (conversationId: number) => void;
  /** Opened from a search result: the message to show and highlight. */
  hitId?: number | null;
  /** Our own address (who "you" is in acknowledgements). */
  own?: string | null;
}

/** Whether the window is on screen (a minimised or hidden window has not been read). */
function useDocumentVisible(): boolean {
  const [visible, setVisible] = useState(() => document.visibilityState === 'visible');
  useEffect(() => {
    const update = () => setVisible(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', update);
    return () => document.removeEventListener('visibilitychange', update);
  }, []);
  return visible;
}

const EMPTY: ThreadWindow = { messages: [], olderCursor: null, newerCursor: null, loaded: false };

/** One conversation: history (older pages on scroll up), live updates, read markers, the composer. */
export function ThreadView({ conversationId, jid, title, directory, started, hitId = null, own = null }: Props) {
  const { t } = useTranslation();
  useRenderFault('thread');
  const client = useClient();
  const queries = useQueryClient();
  const [view, setView] = useState<ThreadWindow>(conversationId === null ? { ...EMPTY, loaded: true } : EMPTY);
  const [paging, setPaging] = useState<'older' | 'newer' | 'latest' | null>(null);
  const [error, setError] = useState<UiError>(null);
  const [retrying, setRetrying] = useState(false);
  const [followToken, setFollowToken] = useState(0);
  const markedUpTo = useRef(0);
  /** Where the "new messages" line goes: fixed when the thread opens, so it stays while read. */
  const [unreadFrom, setUnreadFrom] = useState<number | null | undefined>(undefined);

  // Opening the conversation (one audited call); message events then keep this answer current in place.
  const opened = useContractQuery(
    'conversations.open',
    { conversationId: conversationId ?? 0, limit: FIRST_PAGE, ...(hitId !== null ? { around: hitId } : {}) },
    { enabled: conversationId !== null },
  );
  // Each new answer is folded in once, while rendering (React's pattern for state derived from a changing input).
  const [folded, setFolded] = useState<MessagePage | null>(null);
  if (opened.data !== null && opened.data !== folded) {
    const page = opened.data;
    setFolded(page);
    setView((current) => foldAnswer(current, page));
    if (unreadFrom === undefined) setUnreadFrom(firstUnread(page.messages));
  }
  const shownError = error ?? opened.error;
  // Who acknowledged this conversation's urgent messages (kept current by urgent.acknowledged events).
  const acks = useContractQuery('urgent.acknowledgements', { conversationId: conversationId ?? 0 }, { enabled: conversationId !== null });

  const page = useCallback(
    async (kind: 'older' | 'newer' | 'latest') => {
      if (conversationId === null || paging !== null) return;
      const cursor = kind === 'older' ? view.olderCursor : kind === 'newer' ? view.newerCursor : null;
      if (kind !== 'latest' && cursor === null) return;
      setPaging(kind);
      const request = kind === 'older' ? { before: cursor! } : kind === 'newer' ? { after: cursor! } : {};
      const result = await client.call('messages.page', { conversationId, limit: PAGE, ...request });
      setPaging(null);
      if (!result.ok) {
        setError(result.error);
        return;
      }
      const got = result.value;
      setView((current) =>
        kind === 'older'
          ? { ...current, messages: merge(got.messages, current.messages), olderCursor: got.olderCursor }
          : kind === 'newer'
            ? { ...current, messages: merge(current.messages, got.messages), newerCursor: got.newerCursor }
            : { messages: got.messages, olderCursor: got.olderCursor, newerCursor: null, loaded: true },
      );
      if (kind === 'latest') setFollowToken((n) => n + 1);
    },
    [client, conversationId, paging, view.olderCursor, view.newerCursor],
  );

  // Visible thread: everything shown is read (up to the newest message on screen).
  const visible = useDocumentVisible();
  const { messages } = view;
  useEffect(() => {
    if (conversationId === null || !visible) return;
    const newestIn = [...messages].reverse().find((m) => m.direction === 'in');
    if (!newestIn || newestIn.id <= markedUpTo.current) return;
    const upTo = messages[messages.length - 1]!.id;
    markedUpTo.current = upTo;
    void client.call('messaging.markRead', { conversationId, upToMessageId: upTo }).then((result) => {
      if (result.ok) putUnreadCount(queries, conversationId, result.value.unreadCount);
      else setError(result.error);
    });
  }, [client, conversationId, messages, queries, visible]);

  const sent = (message: Message) => {
    if (conversationId === null) {
      started(message.conversationId);
      return;
    }
    if (view.newerCursor !== null) void page('latest');
    else {
      setView((current) => ({ ...current, messages: merge(current.messages, [message]) }));
      setFollowToken((n) => n + 1);
    }
  };

  // The same message goes again, by its id (the recipient folds copies).
  const retry = async (failed: Message) => {
    setRetrying(true);
    const result = await client.call('messaging.retry', { messageId: failed.id });
    setRetrying(false);
    if (result.ok) {
      setError(null);
      sent(result.value.message);
    } else setError(result.error);
  };
  const [replyTo, setReplyTo] = useState<Message | null>(null);

  const rows = useMemo(() => threadRows(messages, unreadFrom ?? null), [messages, unreadFrom]);

  return (
    <section className="thread" aria-labelledby="thread-heading" data-testid="thread">
      <header className="thread__header">
        <h1 id="thread-heading" className="thread__title" dir="auto">
          {title}
        </h1>
        <p className="thread__jid">{jid}</p>
        {view.olderCursor !== null ? (
          <Button className="thread__older" onClick={() => void page('older')} disabled={paging !== null} data-testid="load-older">
            {paging === 'older' ? t('common.loading') : t('thread.older')}
          </Button>
        ) : null}
      </header>
      <FormError error={shownError} secondsLeft={0} testId="thread-error" />
      {!view.loaded ? (
        <p className="thread__empty">{t('common.loading')}</p>
      ) : messages.length === 0 ? (
        <p className="thread__empty">{t('thread.empty')}</p>
      ) : (
        <ThreadList
          rows={rows}
          directory={directory}
          retry={retrying ? null : (failed) => void retry(failed)}
          hitId={hitId}
          olderAvailable={view.olderCursor !== null && paging === null}
          newerAvailable={view.newerCursor !== null}
          loadOlder={() => void page('older')}
          loadNewer={() => void page('newer')}
          jumpToLatest={() => void page('latest')}
          followToken={followToken}
          reply={setReplyTo}
          extra={(m) =>
            m.priority === 'urgent' && m.recalledAt === null ? (
              <Acknowledgement message={m} acks={acks.data?.acknowledgements.filter((a) => a.messageId === m.id) ?? []} own={own} directory={directory} />
            ) : null
          }
        />
      )}
      <Composer to={jid} sent={sent} replyTo={replyTo} clearReply={() => setReplyTo(null)} />
    </section>
  );
}
