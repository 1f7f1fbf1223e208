/// <reference types="vite/client" />

// PDF.js's worker code, loaded on the page's own thread by the safe viewer (pdf-document.ts).
declare module 'pdfjs-dist/build/pdf.worker.mjs' {
  export const WorkerMessageHandler: unknown;
}
