import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { InboxEntry } from '../../../shared/contract/index.ts';
import { useClient } from '../api/ClientProvider.tsx';
import { FormError } from '../components/FormError.tsx';
import { Icon, type IconName } from '../components/Icon.tsx';
import type { UiError } from '../session/errors.ts';

interface Props {
  entry: InboxEntry;
  /** The conversation's shown name, so a screen reader hears which row's actions these are. */
  title: string;
  open: boolean;
  setOpen: (open: boolean) => void;
}

/**
 * One inbox row's actions: pin, mute, mark unread. A small "···" button at the row's right edge
 * (shown on hover and focus, always in the tab order), also opened by right-click or Shift+F10 /
 * the context-menu key on the row. A real menu: arrow keys move, Escape closes and returns focus.
 */
export function InboxRowMenu({ entry, title, open, setOpen }: Props) {
  const { t } = useTranslation();
  const client = useClient();
  const queries = useQueryClient();
  const id = useId();
  const toggle = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<UiError>(null);

  // The menu floats over the window (fixed), under its button or above it when there is no room
  // below, so the side bar's scrolling list never cuts it off; it follows the button when the list scrolls.
  const place = useCallback(() => {
    const box = menu.current;
    const at = toggle.current?.getBoundingClientRect();
    if (box === null || at === undefined) return;
    const below = at.bottom + 4;
    box.style.top = `${below + box.offsetHeight > window.innerHeight - 8 ? Math.max(8, at.top - box.offsetHeight - 4) : below}px`;
    box.style.left = `${Math.max(8, at.right - box.offsetWidth)}px`;
  }, []);
  useLayoutEffect(() => {
    if (open) place();
  }, [open, place]);

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus({ preventScroll: true });
    const outside = (event: MouseEvent) => {
      if (!menu.current?.contains(event.target as Node) && !toggle.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', outside);
    document.addEventListener('scroll', place, true);
    return () => {
      document.removeEventListener('mousedown', outside);
      document.removeEventListener('scroll', place, true);
    };
  }, [open, setOpen, place]);

  const close = () => {
    setOpen(false);
    toggle.current?.focus();
  };
  const act = async (call: () => Promise<{ ok: true } | { ok: false; error: UiError }>) => {
    close();
    const result = await call();
    setError(result.ok ? null : result.error);
    // The order (pinned first) is the store's: ask for the inbox again rather than guess it here.
    if (result.ok) void queries.invalidateQueries({ queryKey: ['conversations.inbox'] });
  };
  const keys = (event: KeyboardEvent) => {
    const items = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    const move = (to: number) => items[(to + items.length) % items.length]?.focus();
    if (event.key === 'ArrowDown') move(at + 1);
    else if (event.key === 'ArrowUp') move(at - 1);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(items.length - 1);
    else if (event.key === 'Escape') close();
    else if (event.key === 'Tab') setOpen(false);
    else return;
    if (event.key !== 'Tab') event.preventDefault();
  };
  const conversationId = entry.id;

  return (
    <>
      <button
        ref={toggle}
        type="button"
        className="hover-action inbox-row-menu__toggle"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? `${id}-menu` : undefined}
        aria-label={t('inboxActions.label', { name: title })}
        onClick={() => setOpen(!open)}
        data-testid="inbox-row-actions"
      >
        <Icon name="dots" />
      </button>
      {open ? (
        <div ref={menu} id={`${id}-menu`} className="inbox-row-menu" role="menu" aria-label={t('inboxActions.label', { name: title })} onKeyDown={keys}>
          <MenuItem icon="pin" testId="inbox-action-pin" run={() => void act(() => client.call('conversations.pin', { conversationId, pinned: !entry.pinned }))}>
            {entry.pinned ? t('inboxActions.unpin') : t('inboxActions.pin')}
          </MenuItem>
          <MenuItem icon="bell-off" testId="inbox-action-mute" run={() => void act(() => client.call('conversations.mute', { conversationId, muted: !entry.muted }))}>
            {entry.muted ? t('inboxActions.unmute') : t('inboxActions.mute')}
          </MenuItem>
          {entry.unreadCount === 0 ? (
            <MenuItem icon="unread" testId="inbox-action-unread" run={() => void act(() => client.call('conversations.markUnread', { conversationId }))}>
              {t('inboxActions.markUnread')}
            </MenuItem>
          ) : null}
        </div>
      ) : null}
      <FormError error={error} secondsLeft={0} testId="inbox-action-error" />
    </>
  );
}

/** One entry of the menu: reached by the arrow keys (not Tab), as in any menu. */
function MenuItem({ icon, testId, run, children }: { icon: IconName; testId: string; run: () => void; children: ReactNode }) {
  return (
    <button type="button" role="menuitem" tabIndex={-1} onClick={run} data-testid={testId}>
      <Icon name={icon} />
      {children}
    </button>
  );
}
