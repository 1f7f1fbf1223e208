import type { ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DirectoryEntry, Message } from '../../../shared/contract/index.ts';
import { Button } from '../components/Button.tsx';
import { Icon } from '../components/Icon.tsx';
import { formatDay } from './format.ts';
import { MessageItem } from './MessageItem.tsx';
import { dayOf, type ThreadRow } from './thread-rows.ts';

/** Rough heights before a row is measured (the virtualiser corrects them as rows render). */
const ESTIMATE = { day: 40, new: 36, message: 84, grouped: 52 } as const;
/** Within this many pixels of an end the next page is asked for (and "at the bottom" holds). */
const NEAR = 160;

interface Props {
  rows: readonly ThreadRow[];
  directory: readonly DirectoryEntry[] | null;
  retry: ((message: Message) => void) | null;
  /** A search hit to scroll to and highlight when the thread opens. */
  hitId: number | null;
  /** Start a reply to a message in the composer. */
  reply?: (message: Message) => void;
  /** Shown under a message (an urgent message's acknowledgement). */
  extra?: (message: Message) => ReactNode;
  olderAvailable: boolean;
  newerAvailable: boolean;
  loadOlder: () => void;
  loadNewer: () => void;
  /** Back to the newest messages (asks for them when the view is a window around a search hit). */
  jumpToLatest: () => void;
  /** Moves when the reader sent something: the view follows to the bottom. */
  followToken: number;
}

/**
 * The thread's messages, virtualised (only the rows near the viewport are in the DOM, so a
 * conversation of 10,000 messages scrolls like one of 50). Keeps the reader's place: at the bottom
 * for new messages, in place when older ones page in above, on the hit when opened from search.
 */
export function ThreadList({ rows, directory, retry, hitId, olderAvailable, newerAvailable, loadOlder, loadNewer, jumpToLatest, followToken, reply, extra }: Props) {
  const { t, i18n } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const pinned = useRef(hitId === null);
  const [atBottom, setAtBottom] = useState(true);
  /** Our own scrolling is not the reader's: its scroll event must not unpin. */
  const autoScrolled = useRef(false);
  const placed = useRef(false);
  const firstKey = useRef<ThreadRow['key'] | null>(null);
  const lastTotal = useRef(0);
  const lastTop = useRef(0);

  // The virtualiser's functions are read afresh on every render; this component is not memoised.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer<HTMLDivElement, HTMLLIElement>({
    count: rows.length,
    getScrollElement: () => box.current,
    estimateSize: (index) => {
      const row = rows[index];
      if (row === undefined || row.kind !== 'message') return ESTIMATE[row?.kind ?? 'message'];
      return row.grouped ? ESTIMATE.grouped : ESTIMATE.message;
    },
    getItemKey: (index) => rows[index]?.key ?? index,
    overscan: 8,
  });
  const total = virtualizer.getTotalSize();

  const toBottom = () => {
    const el = box.current;
    if (!el || el.scrollTop + el.clientHeight >= el.scrollHeight) return;
    autoScrolled.current = true;
    el.scrollTop = el.scrollHeight;
  };

  // Rows changed: older ones added above keep the reader where they were; otherwise follow the bottom if pinned.
  useLayoutEffect(() => {
    const el = box.current;
    const first = rows[0]?.key ?? null;
    if (el && placed.current && firstKey.current !== null && first !== firstKey.current && rows.some((r) => r.key === firstKey.current)) {
      autoScrolled.current = true;
      el.scrollTop += total - lastTotal.current;
    } else {
      // Everything fits: the reader sees the newest message, so the next one is followed too.
      if (el && el.scrollHeight <= el.clientHeight + 1 && !newerAvailable) pinned.current = true;
      if (pinned.current) toBottom();
    }
    firstKey.current = first;
    lastTotal.current = total;
  });

  // The first place: the search hit, else the "new messages" line, else the bottom.
  useLayoutEffect(() => {
    if (placed.current || rows.length === 0) return;
    placed.current = true;
    const hit = hitId === null ? -1 : rows.findIndex((r) => r.kind === 'message' && r.key === hitId);
    const line = rows.findIndex((r) => r.kind === 'new');
    if (hit >= 0) {
      pinned.current = false;
      virtualizer.scrollToIndex(hit, { align: 'center' });
    } else if (line > 0) {
      pinned.current = false;
      virtualizer.scrollToIndex(line, { align: 'start' });
    } else toBottom();
  }, [rows, hitId, virtualizer]);

  // Sending follows to the bottom.
  useEffect(() => {
    if (followToken === 0) return;
    pinned.current = true;
    setAtBottom(true);
    toBottom();
  }, [followToken]);

  // A window or keyboard resize keeps a reader who was at the bottom at the bottom.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(() => {
      if (pinned.current) toBottom();
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const onScroll = () => {
    const el = box.current;
    if (!el) return;
    const fromBottom = el.scrollHeight - el.scrollTop - el.clientHeight;
    // Only the reader moving up unpins: rows measured taller (or the virtualiser keeping rows in
    // place) move the bottom away without the reader having left it.
    const movedUp = el.scrollTop < lastTop.current;
    lastTop.current = el.scrollTop;
    if (autoScrolled.current) autoScrolled.current = false;
    else if (fromBottom < 80) pinned.current = !newerAvailable;
    else if (movedUp) pinned.current = false;
    setAtBottom(fromBottom < 80);
    if (el.scrollTop < NEAR && olderAvailable) loadOlder();
    if (fromBottom < NEAR && newerAvailable) loadNewer();
  };

  const jump = () => {
    pinned.current = true;
    setAtBottom(true);
    if (newerAvailable) jumpToLatest();
    else toBottom();
  };

  const today = dayOf(Date.now());
  const yesterday = dayOf(Date.now() - 86_400_000);
  const dayLabel = (time: number) => {
    const day = dayOf(time);
    if (day === today) return t('thread.today');
    if (day === yesterday) return t('thread.yesterday');
    return formatDay(time, i18n.resolvedLanguage) ?? t('common.unknownTime');
  };
  const messageCount = rows.reduce((n, r) => n + (r.kind === 'message' ? 1 : 0), 0);

  return (
    <div className="thread__body">
      <div
        className="thread__messages"
        ref={box}
        onScroll={onScroll}
        tabIndex={0}
        role="region"
        aria-label={t('thread.listLabel')}
        data-testid="thread-messages"
        data-loaded={messageCount}
      >
        <ol className="thread__list" style={{ height: total }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            if (row === undefined) return null;
            const grouped = row.kind === 'message' && row.grouped;
            return (
              <li
                key={item.key}
                data-index={item.index}
                ref={virtualizer.measureElement}
                className={`thread__row thread__row--${row.kind}${grouped ? ' thread__row--grouped' : ''}`}
                style={{ transform: `translateY(${item.start}px)` }}
              >
                {row.kind === 'day' ? (
                  <span className="thread__day" data-testid="thread-day">
                    {dayLabel(row.time)}
                  </span>
                ) : row.kind === 'new' ? (
                  <span className="thread__new" data-testid="thread-new-line">
                    {t('thread.newMessages')}
                  </span>
                ) : (
                  <MessageItem message={row.message} directory={directory} retry={retry} grouped={row.grouped} hit={row.message.id === hitId} reply={reply} extra={extra?.(row.message)} />
                )}
              </li>
            );
          })}
        </ol>
      </div>
      {!atBottom || newerAvailable ? (
        <Button className="thread__jump" onClick={jump} data-testid="jump-latest">
          <Icon name="arrowDown" />
          {t('thread.jumpToLatest')}
        </Button>
      ) : null}
    </div>
  );
}
