/**
 * Runs in the page: every element with its own visible text, its colour against the first opaque
 * background behind it (WCAG relative luminance). Returns the pairs under 4.5:1.
 */
export const CONTRAST_SCRIPT = `(() => {
  const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c;
    }
    return [255, 255, 255];
  };
  const failures = [];
  let checked = 0;
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== '');
    const box = el.getBoundingClientRect();
    if (!own || box.width === 0 || box.height === 0 || el.closest('.visually-hidden, .skip-link')) continue;
    const fg = lum(parse(getComputedStyle(el).color));
    const bg = lum(background(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    checked++;
    if (ratio < 4.5) failures.push(el.tagName + ' "' + el.textContent.trim().slice(0, 30) + '" ' + ratio.toFixed(2));
  }
  return checked > 10 ? failures : ['only ' + checked + ' texts found'];
})()`;
