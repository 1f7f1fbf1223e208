import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { SkipLink } from '../components/SkipLink.tsx';
import './shell.css';

export const MAIN_ID = 'main';

/**
 * The frame every screen sits in. Focus order follows reading order: skip link, top bar,
 * navigation, then the screen. document.title is never changed from "Sealwire" (index.html):
 * window titles are visible to everyone in the room and must never carry PHI.
 */
export function Shell({ header, nav, children }: { header: ReactNode; nav: ReactNode; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="shell">
      <SkipLink targetId={MAIN_ID} label={t('shell.skipToContent')} />
      {header}
      {nav}
      <main id={MAIN_ID} className="shell__main" tabIndex={-1}>
        <div className="shell__content">{children}</div>
      </main>
    </div>
  );
}
