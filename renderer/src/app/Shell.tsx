import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { SkipLink } from '../components/SkipLink.tsx';
import './shell.css';

export const MAIN_ID = 'main';

/**
 * The frame every screen sits in. Focus order follows reading order: skip link, top bar,
 * navigation, then the screen. document.title is never changed from "Sealwire" (index.html):
 * window titles are visible to everyone in the room and must never carry PHI.
 * `fill`: the screen scrolls inside itself (a thread keeps its composer in view).
 */
export function Shell({ header, nav, children, fill = false }: { header: ReactNode; nav: ReactNode; children: ReactNode; fill?: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="shell">
      <SkipLink targetId={MAIN_ID} label={t('shell.skipToContent')} />
      {header}
      {nav}
      <main id={MAIN_ID} className={fill ? 'shell__main shell__main--fill' : 'shell__main'} tabIndex={-1}>
        <div className="shell__content">{children}</div>
      </main>
    </div>
  );
}
