import { useLayoutEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { SkipLink } from '../components/SkipLink.tsx';
import './shell.css';

export const MAIN_ID = 'main';

/**
 * The frame every screen sits in. Focus order follows reading order: skip link, top bar,
 * navigation, then the screen. document.title is never changed from "Sealwire" (index.html):
 * window titles are visible to everyone in the room and must never carry PHI.
 * `fill`: the screen scrolls inside itself (a thread keeps its composer in view).
 * `visit`: moves when another screen is shown; each screen then starts at its top, never at the
 * previous screen's scroll position.
 */
export function Shell({
  header,
  nav,
  children,
  fill = false,
  visit = 0,
}: {
  header: ReactNode;
  nav: ReactNode;
  children: ReactNode;
  fill?: boolean;
  visit?: number;
}) {
  const { t } = useTranslation();
  const main = useRef<HTMLElement>(null);
  useLayoutEffect(() => {
    if (main.current) main.current.scrollTop = 0;
  }, [visit]);
  return (
    <div className="shell">
      <SkipLink targetId={MAIN_ID} label={t('shell.skipToContent')} />
      {header}
      {nav}
      <main ref={main} id={MAIN_ID} className={fill ? 'shell__main shell__main--fill' : 'shell__main'} tabIndex={-1}>
        <div className="shell__content">{children}</div>
      </main>
    </div>
  );
}
