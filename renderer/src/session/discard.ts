/**
 * Lock means forget: once anything PHI has been on screen, the only way out of "unlocked" is a
 * full page reload, which drops every React tree, cache and closure holding message text. Nothing
 * PHI is kept in localStorage or sessionStorage, so the reloaded page starts empty.
 */
let phiShown = false;
let reloading = false;

export function markPhiShown(): void {
  phiShown = true;
}

/** Whether this page has rendered the signed-in workspace (and so may hold PHI). */
export function hasShownPhi(): boolean {
  return phiShown;
}

export function discardPhi(win: Window = window): void {
  if (reloading) return;
  reloading = true;
  // Hidden at once (base.css), so nothing is readable in the moment before the reload lands.
  win.document.documentElement.dataset.locking = '';
  win.location.reload();
}
