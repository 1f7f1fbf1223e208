import type { PDFDocumentProxy } from 'pdfjs-dist';

/**
 * PDF.js for the safe viewer, run on the page's own thread (the CSP allows no workers) and only as
 * a rasteriser: the document comes from memory (never a URL, so it cannot fetch anything), no
 * scripting sandbox is ever loaded, and the viewer draws pages onto canvases only: no annotation
 * or text layer, so a PDF's links, forms, JavaScript actions and embedded files are never shown or run.
 */
export async function openPdf(data: Uint8Array): Promise<PDFDocumentProxy> {
  const [pdfjs, worker] = await Promise.all([import('pdfjs-dist'), import('pdfjs-dist/build/pdf.worker.mjs')]);
  // PDF.js looks for its worker code here before it would try to start a Worker.
  (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = worker;
  return pdfjs.getDocument({
    // A copy: PDF.js takes ownership of the buffer it is given.
    data: data.slice(),
    useWasm: false,
    isOffscreenCanvasSupported: false,
    stopAtErrors: false,
    enableXfa: false,
  }).promise;
}

/** Pages shown at most (a longer document says so; saving it opens the rest elsewhere). */
export const MAX_PDF_PAGES = 30;
