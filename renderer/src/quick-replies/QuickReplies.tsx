import { useId, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { flushSync } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { useClient } from '../api/ClientProvider.tsx';
import { useContractQuery, useInvalidate } from '../api/useContractQuery.ts';
import { Button } from '../components/Button.tsx';
import { firstPlaceholder, matching, slashQuery, type Reply } from './picker.ts';
import './quick-replies.css';

/**
 * Quick replies for the composer: typing "/" (or the Quick replies button) opens the list of the
 * organisation's and one's own replies; arrows move, Enter inserts (its first {placeholder}
 * selected, so typing replaces it), Escape closes. The composer's own text can be saved as a reply.
 */
export function useQuickReplies(body: string, setBody: (text: string) => void, input: RefObject<HTMLTextAreaElement | null>) {
  const { t } = useTranslation();
  const id = useId();
  const client = useClient();
  const invalidate = useInvalidate();
  const { data } = useContractQuery('quickReplies.list', {});
  const [opened, setOpened] = useState(false);
  const [active, setActive] = useState(0);
  const [closedFor, setClosedFor] = useState<string | null>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const all: Reply[] = [
    ...(data?.organisation ?? []).map((text) => ({ text, source: 'organisation' as const })),
    ...(data?.personal ?? []).map((text) => ({ text, source: 'personal' as const })),
  ];
  const query = slashQuery(body);
  const open = (opened || (query !== null && closedFor !== body)) && data !== null;
  const shown = matching(all, opened ? '' : (query ?? ''));
  const current = Math.min(active, Math.max(shown.length - 1, 0));

  const close = () => {
    setOpened(false);
    setClosedFor(body);
    setActive(0);
  };
  const pick = (reply: Reply) => {
    // The text is on screen before the placeholder is selected (not a frame later), so a key typed
    // at once replaces the placeholder instead of landing after the reply.
    flushSync(() => {
      setBody(reply.text);
      close();
      setClosedFor(reply.text);
    });
    const place = firstPlaceholder(reply.text);
    const box = input.current;
    if (!box) return;
    box.focus();
    if (place) box.setSelectionRange(place.start, place.end);
    else box.setSelectionRange(reply.text.length, reply.text.length);
  };
  const savePersonal = async (personal: string[]) => {
    const result = await client.call('quickReplies.savePersonal', { personal });
    if (result.ok) invalidate(['quickReplies.list']);
  };

  /** Handles the composer's keys while the list is open; true when it did. */
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (!open) return false;
    if (event.key === 'Escape') {
      event.preventDefault();
      close();
      return true;
    }
    if (shown.length === 0) return false;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((current + (event.key === 'ArrowDown' ? 1 : shown.length - 1)) % shown.length);
      return true;
    }
    if ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Tab') {
      event.preventDefault();
      pick(shown[current]!);
      return true;
    }
    return false;
  };

  const canSave = body.trim() !== '' && query === null && !(data?.personal ?? []).includes(body.trim()) && (data?.personal.length ?? 0) < 30;
  const popup = open ? (
    <div className="quick-replies" data-testid="quick-replies">
      <p id={`${id}-label`} className="quick-replies__label">
        {t('quickReplies.heading')}
        <span className="quick-replies__hint">{t('quickReplies.hint')}</span>
      </p>
      {shown.length === 0 ? (
        <p className="quick-replies__empty">{all.length === 0 ? t('quickReplies.none') : t('quickReplies.noMatch')}</p>
      ) : (
        <ul ref={listRef} id={`${id}-list`} className="quick-replies__list" role="listbox" aria-labelledby={`${id}-label`}>
          {shown.map((reply, i) => (
            <li
              key={`${reply.source}:${reply.text}`}
              id={`${id}-option-${i}`}
              role="option"
              aria-selected={i === current}
              className="quick-replies__option"
              onMouseDown={(e) => {
                e.preventDefault();
                pick(reply);
              }}
              data-testid="quick-reply"
            >
              <span dir="auto">{reply.text}</span>
              <span className="quick-replies__source">{t(reply.source === 'organisation' ? 'quickReplies.organisation' : 'quickReplies.personal')}</span>
              {reply.source === 'personal' ? (
                <button
                  type="button"
                  className="quick-replies__remove"
                  aria-label={t('quickReplies.remove')}
                  onMouseDown={(e) => {
                    e.preventDefault();
                    e.stopPropagation();
                    void savePersonal((data?.personal ?? []).filter((p) => p !== reply.text));
                  }}
                >
                  ×
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  ) : null;

  const controls = (
    <>
      <Button
        onClick={() => {
          setOpened(!open);
          setClosedFor(null);
          input.current?.focus();
        }}
        aria-expanded={open}
        data-testid="quick-replies-open"
      >
        {t('quickReplies.button')}
      </Button>
      {canSave ? (
        <Button onClick={() => void savePersonal([...(data?.personal ?? []), body.trim()])} data-testid="quick-replies-save">
          {t('quickReplies.save')}
        </Button>
      ) : null}
    </>
  );

  const aria = open && shown.length > 0 ? { 'aria-controls': `${id}-list`, 'aria-activedescendant': `${id}-option-${current}`, 'aria-expanded': true } : {};
  return { onKeyDown, popup, controls, aria };
}
