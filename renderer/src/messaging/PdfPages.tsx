import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_PDF_PAGES, openPdf } from './pdf-document.ts';

/**
 * A PDF's pages as pictures (canvases), one below the other: nothing in the document can act
 * (see pdf-document.ts). Rendered at the device's pixel ratio so text stays sharp.
 */
export function PdfPages({ data }: { data: Uint8Array }) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<{ shown: number; count: number } | 'loading' | 'failed'>('loading');

  useEffect(() => {
    let cancelled = false;
    let destroy: (() => Promise<void>) | null = null;
    const canvases: HTMLCanvasElement[] = [];
    void (async () => {
      try {
        const doc = await openPdf(data);
        destroy = () => doc.loadingTask.destroy();
        if (cancelled) return void doc.loadingTask.destroy();
        const shown = Math.min(doc.numPages, MAX_PDF_PAGES);
        for (let n = 1; n <= shown && !cancelled; n++) {
          const page = await doc.getPage(n);
          const scale = 1.4 * (window.devicePixelRatio || 1);
          const viewport = page.getViewport({ scale });
          const canvas = document.createElement('canvas');
          canvas.className = 'pdf-pages__page';
          canvas.width = Math.ceil(viewport.width);
          canvas.height = Math.ceil(viewport.height);
          canvas.style.width = `${Math.ceil(viewport.width / (window.devicePixelRatio || 1))}px`;
          canvas.setAttribute('role', 'img');
          canvas.setAttribute('aria-label', t('viewer.page', { page: n, count: doc.numPages }));
          canvas.dataset['testid'] = 'pdf-page';
          // Only the page's drawing: annotations (links, form fields, JavaScript actions) are not rendered.
          await page.render({ canvas, viewport, annotationMode: 0 }).promise;
          if (cancelled) return;
          canvases.push(canvas);
          box.current?.append(canvas);
          setState({ shown: n, count: doc.numPages });
        }
      } catch {
        if (!cancelled) setState('failed');
      }
    })();
    return () => {
      cancelled = true;
      for (const c of canvases) c.remove();
      void destroy?.();
    };
  }, [data, t]);

  return (
    <div className="pdf-pages" data-testid="pdf-pages">
      {state === 'loading' ? <p className="viewer__status">{t('viewer.loading')}</p> : null}
      {state === 'failed' ? (
        <p className="viewer__status" role="alert" data-testid="pdf-failed">
          {t('viewer.pdfFailed')}
        </p>
      ) : null}
      <div ref={box} className="pdf-pages__list" />
    </div>
  );
}
