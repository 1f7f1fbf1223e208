import type { PatientLocale } from '../../shared/contract/patient-gateway.ts';
import type { MessageRow } from '../store/gateway-store.ts';
import { fill, STRINGS, type Strings } from './i18n.ts';

// Server-rendered pages: no script at all (the CSP forbids it), everything interpolated goes
// through esc(), so a patient's or colleague's "<script>" is shown as text.

export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

export interface PageFrame {
  readonly locale: PatientLocale;
  readonly clinicName: string;
  /** The current path, for the language switch (no PHI is ever in a path). */
  readonly path: string;
}

function frame(f: PageFrame, heading: string, main: string, signOut: { csrf: string } | null = null): string {
  const t = STRINGS[f.locale];
  const other = f.locale === 'en' ? 'es' : 'en';
  return `<!doctype html>
<html lang="${f.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${esc(t.title)}</title>
<link rel="stylesheet" href="/s.css">
</head>
<body>
<header><p class="clinic">${esc(fill(t.from, { clinic: f.clinicName }))}</p>
<a class="lang" href="${esc(f.path)}?lang=${other}" lang="${other}" hreflang="${other}">${esc(t.language)}</a></header>
<main id="main">
<h1>${esc(heading)}</h1>
${main}
</main>
${signOut === null ? '' : `<footer><form method="post" action="/logout"><input type="hidden" name="csrf" value="${esc(signOut.csrf)}"><button type="submit" class="secondary">${esc(t.signOut)}</button></form></footer>`}
</body>
</html>`;
}

const alert = (text: string | null): string => (text === null ? '' : `<p class="alert" role="alert">${esc(text)}</p>`);

export function messagePage(f: PageFrame, heading: keyof Strings, text: keyof Strings, values: Record<string, string | number> = {}): string {
  const t = STRINGS[f.locale];
  return frame(f, t[heading], `<p>${esc(fill(t[text], values))}</p>`);
}

export function dobPage(f: PageFrame, csrf: string, error: string | null): string {
  const t = STRINGS[f.locale];
  return frame(
    f,
    t.title,
    `<p>${esc(t.dobIntro)}</p>${alert(error)}
<form method="post" action="/v/dob">
<input type="hidden" name="csrf" value="${esc(csrf)}">
<label for="dob">${esc(t.dobLabel)}</label>
<input id="dob" name="dob" type="date" required autocomplete="bday" aria-describedby="dob-hint"${error === null ? '' : ' aria-invalid="true"'}>
<p id="dob-hint" class="hint">${esc(t.dobHint)}</p>
<button type="submit">${esc(t.continue)}</button>
</form>`,
  );
}

export function codePage(f: PageFrame, csrf: string, error: string | null): string {
  const t = STRINGS[f.locale];
  return frame(
    f,
    t.title,
    `<p>${esc(t.codeIntro)}</p>${alert(error)}
<form method="post" action="/v/code">
<input type="hidden" name="csrf" value="${esc(csrf)}">
<label for="code">${esc(t.codeLabel)}</label>
<input id="code" name="code" type="text" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" required autocomplete="one-time-code"${error === null ? '' : ' aria-invalid="true"'}>
<button type="submit">${esc(t.continue)}</button>
</form>`,
  );
}

function time(at: number, locale: PatientLocale): string {
  const d = new Date(at);
  return `<time datetime="${d.toISOString()}">${esc(d.toLocaleString(locale === 'es' ? 'es' : 'en', { dateStyle: 'medium', timeStyle: 'short' }))}</time>`;
}

export function threadPage(f: PageFrame, csrf: string, messages: readonly MessageRow[], closed: boolean, error: string | null): string {
  const t = STRINGS[f.locale];
  const items = messages
    .map(
      (m) => `<li class="msg ${m.author === 'patient' ? 'mine' : 'theirs'}"><p class="who">${esc(m.author === 'patient' ? t.you : t.clinic)} · ${time(m.at, f.locale)}</p><p class="body">${esc(m.body)}</p></li>`,
    )
    .join('\n');
  return frame(
    f,
    t.thread,
    `${messages.length === 0 ? `<p>${esc(t.noMessages)}</p>` : `<ol class="thread" aria-label="${esc(t.thread)}">\n${items}\n</ol>`}
${closed ? `<p class="hint">${esc(t.closedNote)}</p>` : ''}${alert(error)}
<form method="post" action="/t/reply" class="reply">
<input type="hidden" name="csrf" value="${esc(csrf)}">
<label for="text">${esc(t.replyLabel)}</label>
<textarea id="text" name="text" rows="3" maxlength="4000" required></textarea>
<button type="submit">${esc(t.send)}</button>
</form>`,
    { csrf },
  );
}

export function unsubscribePage(f: PageFrame, token: string, done: boolean): string {
  const t = STRINGS[f.locale];
  if (done) return frame(f, t.title, `<p>${esc(t.unsubscribed)}</p>`);
  return frame(
    f,
    t.title,
    `<p>${esc(fill(t.unsubscribeAsk, { clinic: f.clinicName }))}</p>
<form method="post" action="/unsubscribe/${esc(token)}"><button type="submit">${esc(t.unsubscribe)}</button></form>`,
  );
}

export const STYLE = `:root{color-scheme:light dark;--fg:#1b1f24;--bg:#fff;--muted:#4a5561;--accent:#0b5cad;--mine:#e6f0fb;--theirs:#f1f3f5;--err:#a4161a}
@media (prefers-color-scheme:dark){:root{--fg:#e8eaed;--bg:#121417;--muted:#b3bac2;--accent:#8ab4f8;--mine:#1d3450;--theirs:#23272c;--err:#ff8a8a}}
*{box-sizing:border-box}body{margin:0;font:17px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer{max-width:40rem;margin:0 auto;padding:0 1rem}header{display:flex;justify-content:space-between;align-items:center;gap:1rem;padding-top:.75rem}
.clinic{font-weight:600;margin:0}.lang{color:var(--accent);padding:.5rem 0;min-height:44px;display:inline-flex;align-items:center}
h1{font-size:1.4rem;margin:1rem 0}label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input,textarea{width:100%;font:inherit;padding:.7rem;border:2px solid var(--muted);border-radius:.5rem;background:var(--bg);color:var(--fg)}
input:focus,textarea:focus,button:focus,a:focus{outline:3px solid var(--accent);outline-offset:2px}
button{font:inherit;font-weight:600;min-height:48px;width:100%;margin:.75rem 0;border:0;border-radius:.5rem;background:var(--accent);color:var(--bg);cursor:pointer}
button.secondary{background:transparent;color:var(--accent);border:2px solid var(--accent)}
.hint{color:var(--muted);font-size:.95rem;margin:.25rem 0}.alert{color:var(--err);font-weight:600;border-left:4px solid var(--err);padding-left:.6rem}
.thread{list-style:none;padding:0;margin:0}.msg{margin:.5rem 0;padding:.6rem .8rem;border-radius:.75rem;max-width:90%}
.theirs{background:var(--theirs)}.mine{background:var(--mine);margin-left:auto}.who{margin:0;font-size:.85rem;color:var(--muted)}
.body{margin:.2rem 0 0;white-space:pre-wrap;overflow-wrap:anywhere}footer{padding-bottom:2rem}
`;
