// npm run bench:patient — the patient gateway against a real Prosody on loopback, the loopback
// SMS stand-in, real HTTPS and real staff clients. One JSON object (last line):
// notify_p50_ms (staff presses Send → SMS handed to the stand-in), patient_open_p95_ms (a verified
// patient opens the thread), reply_to_staff_p50_ms (patient presses Send → in the staff client's
// store), gateway_msgs_per_s (sustained staff → patient messages through the component, 0 lost).
import { performance } from 'node:perf_hooks';
import { el, NS_CLIENT } from '../node-shared/xmpp/xml.ts';
import { SERVERS } from '../tests/support/servers.ts';
import { removeTempDirs } from '../tests/support/temp-dir.ts';
import { openConversation, PatientBrowser, startGatewayFixture, until, verifyPatient } from '../tests/gateway/gateway-support.ts';

const PHONE = '+12025550188';
const DOB = '1970-01-15';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const BURST = Number(process.env.BENCH_BURST ?? 2000);

const pct = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return Number((sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0).toFixed(1));
};

const fx = await startGatewayFixture(SERVERS[0]!, { policy: { notifyCoalesceMinutes: 0 } });
try {
  const alice = await fx.staff('alice');
  const { room, conversationId } = await openConversation(fx, alice, { name: 'Bench Patient', phone: PHONE, dateOfBirth: DOB });

  const notify: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const before = fx.sms.messages.length;
    const t0 = performance.now();
    alice.engine.send({ to: room, body: `notify round ${i}` });
    await until(() => fx.sms.messages.length > before, 10_000, 'sms');
    notify.push(performance.now() - t0);
  }

  const browser = new PatientBrowser(fx.publicUrl, fx.ca);
  await verifyPatient(fx, browser, PHONE, DOB);
  const open: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    const page = await browser.get('/t');
    if (page.status !== 200 || !page.body.includes('notify round')) throw new Error('thread not visible');
    open.push(performance.now() - t0);
  }

  const stored = () => {
    const c = alice.store.findConversation('room', room);
    return c === null ? [] : alice.store.messagesPage(c.id, { limit: 50 }).messages.map((m) => m.body);
  };
  const reply: number[] = [];
  let csrf = PatientBrowser.csrf(await browser.get('/t'));
  for (let i = 0; i < ROUNDS; i++) {
    const text = `reply ${i} ${Math.random()}`;
    const t0 = performance.now();
    const r = await browser.post('/t/reply', { csrf, text });
    if (r.status !== 303) throw new Error(`reply refused ${r.status}`);
    await until(() => stored().includes(text), 10_000, 'reply in staff store');
    reply.push(performance.now() - t0);
    if (i % 10 === 9) csrf = PatientBrowser.csrf(await browser.get('/t'));
  }

  // Sustained: a burst of staff messages into the room; the gateway keeps every one for the patient.
  // The clinic's default coalescing applies here: one SMS for the burst, not one per message.
  (fx.gateway.ctx.policy as { notifyCoalesceMs: number }).notifyCoalesceMs = 10 * 60_000;
  const count = () => fx.gateway.ctx.store.messages(conversationId, 100_000).filter((m) => m.author === 'staff').length;
  const base = count();
  const t0 = performance.now();
  // Straight onto alice's real connection: the client's own outbox commits are not what is measured.
  for (let i = 0; i < BURST; i++) {
    alice.manager.send(el('message', NS_CLIENT, { to: room, type: 'groupchat', id: `burst-${i}` }, el('body', NS_CLIENT, {}, `burst ${i}`)));
  }
  await until(() => count() >= base + BURST, 120_000, 'burst relayed');
  const seconds = (performance.now() - t0) / 1000;
  const lost = base + BURST - count();

  console.log(
    JSON.stringify({
      notify_p50_ms: pct(notify, 50),
      patient_open_p95_ms: pct(open, 95),
      reply_to_staff_p50_ms: pct(reply, 50),
      gateway_msgs_per_s: Math.round(BURST / seconds),
      gateway_msgs_lost: lost,
    }),
  );
} finally {
  await fx.stop();
  await removeTempDirs();
}
