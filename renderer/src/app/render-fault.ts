/**
 * A fault-injection point for the end-to-end tests of the error boundaries: when the page was
 * opened with `window.__sealwireRenderFault` set to a part's name (Playwright's addInitScript), that
 * part throws while rendering. Only code already running in the page can set it, and all it can do
 * is show the "something went wrong" panel; it carries and reveals nothing.
 */
type Part = 'message' | 'inbox' | 'thread';

export function useRenderFault(part: Part): void {
  const wanted = (globalThis as { __sealwireRenderFault?: unknown }).__sealwireRenderFault;
  if (wanted === part) throw new Error(`render fault injected in ${part}`);
}
