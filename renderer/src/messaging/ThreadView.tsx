import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DirectoryEntry, Message } from '../../../shared/contract/index.ts';
import { useClient } from '../api/ClientProvider.tsx';
import { useContractQuery, useInvalidate } from '../api/useContractQuery.ts';
import { useRenderFault } from '../app/render-fault.ts';
import { Button } from '../components/Button.tsx';
import { FormError } from '../components/FormError.tsx';
import type { UiError } from '../session/errors.ts';
import { Acknowledgement } from '../alerts/Acknowledgement.tsx';
import { Composer } from './Composer.tsx';
import { MessageItem } from './MessageItem.tsx';
import './thread.css';

const PAGE = 50;

interface Props {
  /** null for a new chat: the conversation exists once the first message is written. */
  conversationId: number | null;
  jid: string;
  title: string;
  directory: readonly DirectoryEntry[] | null;
  started: (conversationId: number) => void;
  /** Our own address (who "you" is in acknowledgements). */
  own?: string | null;
}

function merge(current: readonly Message[], incoming: readonly Message[]): Message[] {
  const byId = new Map(current.map((m) => [m.id, m]));
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.sentAt - b.sentAt || a.id - b.id);
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

interface View {
  readonly messages: readonly Message[];
  /** Where the next older page starts; null when the oldest message is on screen. */
  readonly olderCursor: string | null;
  readonly loaded: boolean;
}

/**
 * Folds a fresh newest page into what is on screen. If the page overlaps (or covers) what we have,
 * merge; if more arrived than a page holds, the page replaces the view (older ones page in again
 * on scroll), so there is never a silent gap.
 */
function withNewest(view: View, page: { messages: Message[]; olderCursor: string | null }): View {
  const ids = new Set(page.messages.map((m) => m.id));
  const newestShown = view.messages[view.messages.length - 1];
  if (!view.loaded || newestShown === undefined) return { messages: page.messages, olderCursor: page.olderCursor, loaded: true };
  const overlaps = ids.has(newestShown.id) || page.olderCursor === null;
  if (!overlaps) return { messages: page.messages, olderCursor: page.olderCursor, loaded: true };
  const coversAll = view.messages.every((m) => ids.has(m.id));
  return { messages: merge(view.messages, page.messages), olderCursor: coversAll ? page.olderCursor : view.olderCursor, loaded: true };
}

/** One conversation: history (older pages on scroll up), live updates, read markers, the composer. */
export function ThreadView({ conversationId, jid, title, directory, started, own = null }: Props) {
  const { t } = useTranslation();
  useRenderFault('thread');
  const client = useClient();
  const invalidate = useInvalidate();
  const read = useCallback(() => invalidate(['conversations.inbox']), [invalidate]);
  const [{ messages, olderCursor, loaded }, setView] = useState<View>({ messages: [], olderCursor: null, loaded: conversationId === null });
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [error, setError] = useState<UiError>(null);
  const [retrying, setRetrying] = useState(false);
  const list = useRef<HTMLDivElement>(null);
  const pinnedToBottom = useRef(true);
  const keepFromBottom = useRef<number | null>(null);
  /** Our own scrolling is not the reader's: its scroll event must not unpin (layout may move again before it lands). */
  const autoScrolled = useRef(false);
  const toBottom = (box: HTMLDivElement) => {
    if (box.scrollTop + box.clientHeight >= box.scrollHeight) return;
    autoScrolled.current = true;
    box.scrollTop = box.scrollHeight;
  };
  const markedUpTo = useRef(0);

  // The newest page, first and again whenever an event about this conversation marks it stale.
  const newest = useContractQuery('messages.page', { conversationId: conversationId ?? 0, limit: PAGE }, { enabled: conversationId !== null });
  // Each new answer is folded in once, while rendering (React's pattern for state derived from a changing input).
  const [folded, setFolded] = useState<typeof newest.data>(null);
  if (newest.data !== null && newest.data !== folded) {
    const page = newest.data;
    setFolded(page);
    setView((view) => withNewest(view, page));
  }
  const shownError = error ?? newest.error;
  // Who acknowledged this conversation's urgent messages (kept current by urgent.acknowledged events).
  const acks = useContractQuery('urgent.acknowledgements', { conversationId: conversationId ?? 0 }, { enabled: conversationId !== null });

  const loadOlder = useCallback(async () => {
    if (conversationId === null || olderCursor === null || loadingOlder) return;
    setLoadingOlder(true);
    const result = await client.call('messages.page', { conversationId, before: olderCursor, limit: PAGE });
    setLoadingOlder(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    const box = list.current;
    if (box) keepFromBottom.current = box.scrollHeight - box.scrollTop;
    setView((view) => ({ ...view, messages: merge(result.value.messages, view.messages), olderCursor: result.value.olderCursor }));
  }, [client, conversationId, olderCursor, loadingOlder]);

  // Keep the reader's place: at the bottom for new messages, in place when older ones are added above.
  useLayoutEffect(() => {
    const box = list.current;
    if (!box) return;
    if (keepFromBottom.current !== null) {
      box.scrollTop = box.scrollHeight - keepFromBottom.current;
      keepFromBottom.current = null;
    } else if (pinnedToBottom.current) toBottom(box);
  }, [messages]);

  // A window or keyboard resize keeps a reader who was at the bottom at the bottom.
  useEffect(() => {
    const box = list.current;
    if (!box) return;
    const observer = new ResizeObserver(() => {
      if (pinnedToBottom.current) toBottom(box);
    });
    observer.observe(box);
    return () => observer.disconnect();
  }, []);

  // Visible thread: everything shown is read (up to the newest message on screen).
  const visible = useDocumentVisible();
  useEffect(() => {
    if (conversationId === null || !visible) return;
    const newestIn = [...messages].reverse().find((m) => m.direction === 'in');
    if (!newestIn || newestIn.id <= markedUpTo.current) return;
    const upTo = messages[messages.length - 1]!.id;
    markedUpTo.current = upTo;
    void client.call('messaging.markRead', { conversationId, upToMessageId: upTo }).then((result) => {
      if (result.ok) read();
      else setError(result.error);
    });
  }, [client, conversationId, messages, read, visible]);

  const onScroll = () => {
    const box = list.current;
    if (!box) return;
    if (autoScrolled.current) {
      autoScrolled.current = false;
      return;
    }
    pinnedToBottom.current = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
    if (box.scrollTop < 48) void loadOlder();
  };

  // The core keeps no reason per failed message yet: the text goes again as a new message.
  const retry = async (failed: Message) => {
    setRetrying(true);
    const result = await client.call('messaging.send', { to: jid, body: failed.body, priority: failed.priority, patientTag: failed.patientTag });
    setRetrying(false);
    if (result.ok) {
      setError(null);
      sent(result.value.message);
    } else setError(result.error);
  };

  const sent = (message: Message) => {
    pinnedToBottom.current = true;
    if (conversationId === null) started(message.conversationId);
    else setView((view) => ({ ...view, messages: merge(view.messages, [message]) }));
  };

  return (
    <section className="thread" aria-labelledby="thread-heading" data-testid="thread">
      <header className="thread__header">
        <h1 id="thread-heading" className="thread__title" dir="auto">
          {title}
        </h1>
        <p className="thread__jid">{jid}</p>
      </header>
      <FormError error={shownError} secondsLeft={0} testId="thread-error" />
      <div className="thread__messages" ref={list} onScroll={onScroll} data-testid="thread-messages">
        {olderCursor !== null ? (
          <div className="thread__older">
            <Button onClick={() => void loadOlder()} disabled={loadingOlder} data-testid="load-older">
              {loadingOlder ? t('common.loading') : t('thread.older')}
            </Button>
          </div>
        ) : null}
        {!loaded ? (
          <p className="thread__empty">{t('common.loading')}</p>
        ) : messages.length === 0 ? (
          <p className="thread__empty">{t('thread.empty')}</p>
        ) : (
          <ol className="thread__list" aria-label={t('thread.listLabel')} role="log" aria-live="polite" aria-relevant="additions">
            {messages.map((m) => (
              <MessageItem
                key={m.id}
                message={m}
                directory={directory}
                retry={retrying ? null : (failed) => void retry(failed)}
                extra={
                  m.priority === 'urgent' && m.recalledAt === null ? (
                    <Acknowledgement message={m} acks={acks.data?.acknowledgements.filter((a) => a.messageId === m.id) ?? []} own={own} directory={directory} />
                  ) : null
                }
              />
            ))}
          </ol>
        )}
      </div>
      <Composer to={jid} sent={sent} />
    </section>
  );
}
