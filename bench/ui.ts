/**
 * npm run bench:ui — the screens' figures (issue 11), measured in Debian's Chromium through the
 * development bridge against real cores and a real Prosody on loopback. Prints one JSON object as
 * the last line:
 * - send_to_visible_p50_ms / _p95_ms: A presses Enter → the text is in B's open thread (both pages
 *   read the same clock: performance.timeOrigin + performance.now()).
 * - thread_open_10k_ms: a click on a conversation of 10,000 messages → its messages painted (the
 *   frame after they are in the DOM); median of BENCH_UI_OPENS.
 * - inbox_render_2k_ms: with 2,000 conversations in the store, the inbox asked → its rows painted
 *   (the inbox shows its first page of 100); median of BENCH_UI_OPENS.
 * - scroll_frame_p95_ms: frame-to-frame time while scrolling the 10,000-message thread from the
 *   bottom up (older pages load on the way), p95.
 * - axe_serious_or_critical: serious + critical axe-core violations over the signed-in screens,
 *   light and dark.
 * Options (env): BENCH_UI_SENDS (100), BENCH_UI_OPENS (5), BENCH_UI_SCROLL_MS (4000).
 */
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { NewMessage } from '../electron/core/store/store.ts';
import { seriousAxeFindings } from '../tests/e2e/helpers/axe.ts';
import { openApp, signInAndSkipPin, waitForWorkspace, type Staff, type TestWorkstation } from '../tests/e2e/helpers/sealwire.ts';
import { startStations } from '../tests/e2e/helpers/stations.ts';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback) || fallback;
const SENDS = env('BENCH_UI_SENDS', 100);
const OPENS = env('BENCH_UI_OPENS', 5);
const SCROLL_MS = env('BENCH_UI_SCROLL_MS', 4000);
const say = (msg: string) => process.stderr.write(`[bench:ui] ${msg}\n`);

const ALICE: Staff = { username: 'alice', password: 'alice-bench-4821', displayName: 'Alice Moreno' };
const BOB: Staff = { username: 'bob', password: 'bob-bench-7310', displayName: 'Bob Okafor' };

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number);
};
const round = (n: number) => Math.round(n * 10) / 10;

/** Resolves (in the page) with the time the first element matching `selector` whose text has `text` was painted. */
function paintedWhen(page: Page, selector: string, text: string | null): Promise<number> {
  return page.evaluate(`new Promise((resolve) => {
    const sel = ${JSON.stringify(selector)}, text = ${JSON.stringify(text)};
    const found = () => [...document.querySelectorAll(sel)].some((el) => text === null || el.textContent.includes(text));
    const done = () => requestAnimationFrame(() => resolve(performance.timeOrigin + performance.now()));
    if (found()) return done();
    const observer = new MutationObserver(() => { if (found()) { observer.disconnect(); done(); } });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  })`) as Promise<number>;
}

/** Arms a capture listener that stamps the next click or Enter in the page. */
async function stampNext(page: Page, kind: 'click' | 'enter'): Promise<void> {
  await page.evaluate(`window.__stamp = null; document.addEventListener(${JSON.stringify(kind === 'click' ? 'click' : 'keydown')}, (e) => {
    if (${JSON.stringify(kind)} === 'enter' && e.key !== 'Enter') return;
    window.__stamp = performance.timeOrigin + performance.now();
  }, { capture: true, once: ${kind === 'click'} })`);
}
const stamp = (page: Page) => page.evaluate('window.__stamp') as Promise<number>;

/** Installed before each load of B's page: when the inbox was asked, and when 100 of its rows were painted. */
const INBOX_PROBE = `
  window.__inboxAsked = null;
  window.__inboxPainted = null;
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (window.__inboxAsked === null && String(data).includes('"method":"conversations.inbox"')) window.__inboxAsked = performance.timeOrigin + performance.now();
    return send.call(this, data);
  };
  const observer = new MutationObserver(() => {
    if (window.__inboxAsked === null || document.querySelectorAll('[data-testid="inbox-item"]').length < 100) return;
    observer.disconnect();
    requestAnimationFrame(() => { window.__inboxPainted = performance.timeOrigin + performance.now(); });
  });
  observer.observe(document, { childList: true, subtree: true });
`;

/** Scrolls the open thread upwards every frame for `ms`; the time between frames, in ms. */
function scrollFrames(page: Page, ms: number): Promise<number[]> {
  return page.evaluate(`new Promise((resolve) => {
    const box = document.querySelector('[data-testid="thread-messages"]');
    const deltas = [];
    let last = null;
    const end = performance.now() + ${ms};
    const frame = (t) => {
      if (last !== null) deltas.push(t - last);
      last = t;
      box.scrollTop = Math.max(0, box.scrollTop - 400);
      if (t < end) requestAnimationFrame(frame);
      else resolve(deltas);
    };
    requestAnimationFrame(frame);
  })`) as Promise<number[]>;
}

/** Writes `count` messages into each of `conversations` conversations of the workstation's open store, newest ending at `endAt`. */
function seed(ws: TestWorkstation, jids: readonly string[], count: number, endAt: number): void {
  const store = ws.core.profiles.require().store;
  jids.forEach((jid, c) => {
    const conversation = store.ensureConversation({ kind: 'direct', jid });
    const batch: NewMessage[] = [];
    const last = endAt - c * 1000;
    for (let i = 0; i < count; i++) {
      const incoming = i % 3 !== 2;
      batch.push({
        clientId: randomUUID(),
        conversationId: conversation.id,
        senderJid: incoming ? jid : 'bob@bench',
        body: `Seeded message ${i}: the 2 pm patient is in room ${i % 9}.`,
        sentAt: last - (count - 1 - i) * 60_000,
        direction: incoming ? 'in' : 'out',
        state: 'read',
      });
    }
    store.insertMessages(batch);
  });
}

async function main(): Promise<void> {
  const fixture = await startStations(['bench-ui-a', 'bench-ui-b'], [ALICE, BOB]);
  try {
    const [wsA, wsB] = fixture.stations as [TestWorkstation, TestWorkstation];
    const [a, b] = await Promise.all([openApp(fixture.browser, wsA), openApp(fixture.browser, wsB)]);
    await Promise.all([signInAndSkipPin(a.page, ALICE), signInAndSkipPin(b.page, BOB)]);
    const domain = fixture.prosody.domain;

    // A and B in one conversation, B looking at it.
    say(`send → visible (${SENDS})`);
    await a.page.getByTestId('nav-directory').click();
    await a.page.getByTestId('directory-address').fill(BOB.username);
    await a.page.getByTestId('directory-start').click();
    const composer = a.page.getByTestId('composer-input');
    await composer.fill('hello');
    await composer.press('Enter');
    await b.page.getByTestId('inbox-item').first().waitFor({ timeout: 20_000 });
    await b.page.getByTestId('inbox-item').first().click();
    await b.page.getByTestId('message').filter({ hasText: 'hello' }).waitFor({ timeout: 20_000 });
    const latencies: number[] = [];
    for (let i = 0; i < SENDS; i++) {
      const text = `ping ${i} ${randomUUID().slice(0, 8)}`;
      await composer.fill(text);
      await stampNext(a.page, 'enter');
      const seen = paintedWhen(b.page, '[data-testid="message-body"]', text);
      await composer.press('Enter');
      const at = await Promise.race([seen, new Promise<null>((resolve) => setTimeout(() => resolve(null), 20_000))]);
      if (at === null) {
        const where = await b.page.evaluate(`(() => { const el = document.querySelector('[data-testid="thread-messages"]');
          return { loaded: el?.dataset.loaded, fromBottom: el && el.scrollHeight - el.scrollTop - el.clientHeight, last: [...document.querySelectorAll('[data-testid="message-body"]')].slice(-3).map((e) => e.textContent) }; })()`);
        const stored = wsB.core.profiles.require().store.search(text.split(' ').slice(-1)[0] as string, 5).length;
        throw new Error(`message ${i} did not show in B's thread within 20 s: ${JSON.stringify({ where, stored })}`);
      }
      latencies.push(at - (await stamp(a.page)));
    }

    // B's real store: a conversation of 10,000 messages (newest), 2,000 older conversations.
    say('seeding 10,000 messages and 2,000 conversations');
    const lines = Array.from({ length: 2_000 }, (_, i) => `patient-line-${i}@${domain}`);
    seed(wsB, lines, 1, Date.now() - 2 * 86_400_000);
    seed(wsB, [`carol@${domain}`], 10_000, Date.now() - 1000);

    say(`inbox of 2,000 conversations (${OPENS} loads)`);
    await b.page.addInitScript(INBOX_PROBE);
    const inboxTimes: number[] = [];
    for (let i = 0; i < OPENS; i++) {
      await b.page.reload();
      await waitForWorkspace(b.page);
      await b.page.waitForFunction('window.__inboxPainted !== null', null, { timeout: 30_000 });
      inboxTimes.push((await b.page.evaluate('window.__inboxPainted - window.__inboxAsked')) as number);
    }

    say(`opening the 10,000-message thread (${OPENS} times)`);
    const carol = b.page.getByTestId('inbox-item').filter({ hasText: 'carol' });
    const openTimes: number[] = [];
    for (let i = 0; i < OPENS; i++) {
      await b.page.getByTestId('nav-search').click();
      await b.page.getByTestId('search').waitFor();
      await stampNext(b.page, 'click');
      const painted = paintedWhen(b.page, '[data-testid="message-body"]', 'Seeded message 9999:');
      await carol.click();
      openTimes.push((await painted) - (await stamp(b.page)));
    }

    say(`scrolling it for ${SCROLL_MS} ms`);
    await b.page.waitForTimeout(500);
    const frames = await scrollFrames(b.page, SCROLL_MS);
    const loaded = await b.page.getByTestId('thread-messages').getAttribute('data-loaded');

    say('axe-core over the signed-in screens, light and dark');
    let axe = 0;
    const screens: Array<[string, string]> = [
      ['nav-directory', 'directory'],
      ['nav-search', 'search'],
      ['nav-activity', 'activity'],
      ['nav-my-data', 'my-data'],
      ['nav-status', 'status-refresh'],
    ];
    const auditHere = async () => {
      for (const colorScheme of ['light', 'dark'] as const) {
        await b.page.emulateMedia({ colorScheme });
        axe += (await seriousAxeFindings(b.page)).length;
      }
    };
    await auditHere(); // the open thread
    for (const [nav, testId] of screens) {
      await b.page.getByTestId(nav).click();
      await b.page.getByTestId(testId).waitFor();
      await auditHere();
    }

    const result = {
      send_to_visible_p50_ms: round(pct(latencies, 50)),
      send_to_visible_p95_ms: round(pct(latencies, 95)),
      thread_open_10k_ms: round(pct(openTimes, 50)),
      inbox_render_2k_ms: round(pct(inboxTimes, 50)),
      scroll_frame_p95_ms: round(pct(frames, 95)),
      axe_serious_or_critical: axe,
      sends: SENDS,
      scroll_frames: frames.length,
      scroll_messages_loaded: Number(loaded),
      renderer: 'Chromium (Debian), development bridge, real cores and Prosody on loopback',
    };
    console.log(JSON.stringify(result));
  } finally {
    await fixture.close();
  }
}

await main();
