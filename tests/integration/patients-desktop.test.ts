import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError } from '../../electron/core/errors.ts';
import { engineTransport } from '../../electron/core/patients/engine-transport.ts';
import { PatientService } from '../../electron/core/patients/service.ts';
import { notificationFor } from '../../electron/core/shell/notification.ts';
import { SERVERS } from '../support/servers.ts';
import { removeTempDirs } from '../support/temp-dir.ts';
import { PatientBrowser, startGatewayFixture, until, verifyPatient, type GatewayFixture } from '../gateway/gateway-support.ts';
import type { Account } from './messaging-support.ts';

/**
 * The desktop's patients service (what the Patients section calls) against the real gateway, a
 * real Prosody, and the loopback SMS stand-in: two staff members share the conversation.
 */
const PHONE = '+12025550147';
const DOB = '1968-11-23';
const prosody = SERVERS.find((s) => s.name === 'Prosody') ?? SERVERS[0]!;

afterAll(() => removeTempDirs());

describe('patient conversations from the desktop service', () => {
  let fx: GatewayFixture;
  let alice: Account;
  let bob: Account;
  let a: PatientService;
  let b: PatientService;
  const replies: Record<'a' | 'b', string[]> = { a: [], b: [] };
  /** The desktop notifications A's window in the background would show, as main decides them. */
  const shownAtA: string[] = [];
  const show = (name: 'messaging.incoming' | 'patients.replied', payload: unknown) => {
    const text = notificationFor(name, payload, { kiosk: false }, false, (id) => a.isPatientConversation(id));
    if (text !== null) shownAtA.push(text.body);
  };

  const service = (account: Account, who: 'a' | 'b') =>
    new PatientService(
      engineTransport({ engine: account.engine, store: account.store, me: account.jid, gateway: fx.gateway.ctx.xmpp.domain, nick: account.jid.split('@')[0]! }),
      {
        changed: () => undefined,
        patientReplied: (id) => {
          replies[who].push(id);
          if (who === 'a') show('patients.replied', { conversationId: id });
        },
      },
    );

  beforeAll(async () => {
    fx = await startGatewayFixture(prosody);
    alice = await fx.staff('alice');
    bob = await fx.staff('bob');
    a = service(alice, 'a');
    b = service(bob, 'b');
    alice.engine.onIncoming((m) => show('messaging.incoming', { conversationId: m.conversationId, messageId: m.id, direction: m.direction, priority: m.priority }));
  });
  afterAll(async () => {
    a?.dispose();
    b?.dispose();
    await fx?.stop();
  });

  it('A creates and writes, the patient verifies and replies, both see it, B claims and answers; states and notes as the patient saw them', async () => {
    const created = await a.create({
      name: 'Rosa Desk-Canary',
      phone: PHONE,
      dateOfBirth: DOB,
      consentMethod: 'verbal',
      channel: 'sms',
      language: 'en',
      firstMessage: 'Your appointment is tomorrow at 9 (desk-msg-1)',
    });
    expect(created).toMatchObject({ name: 'Rosa Desk-Canary', status: 'open', channel: 'sms', assignee: null, language: 'en' });
    const id = created.conversationId;
    await a.send(id, 'Internal: she prefers mornings (desk-note-1)', true);

    // B sees the conversation in the shared inbox and its messages, A's note marked as a note.
    await until(() => fx.sms.messages.some((m) => m.to === PHONE), 15_000, 'the link SMS');
    expect((await b.list('open')).map((c) => c.conversationId)).toContain(id);
    let thread = await b.thread(id);
    const poll = async (who: PatientService, check: (t: Awaited<ReturnType<PatientService['thread']>>) => boolean, what: string) => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        thread = await who.thread(id);
        if (check(thread)) return thread;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    thread = await poll(b, (t) => t.entries.length === 2, 'two entries at B');
    expect(thread.entries.map((e) => [e.author, e.note, e.body])).toEqual([
      ['colleague', false, 'Your appointment is tomorrow at 9 (desk-msg-1)'],
      ['colleague', true, 'Internal: she prefers mornings (desk-note-1)'],
    ]);
    expect(thread.entries[1]!.delivery).toBeNull();
    // The provider reports delivery: A's message reads "delivered" on A's screen.
    await poll(a, (t) => t.entries[0]?.delivery === 'delivered', 'delivered');

    // The patient opens the link, proves who they are, reads (no note on the page), replies.
    const browser = new PatientBrowser(fx.publicUrl, fx.ca);
    const page = await verifyPatient(fx, browser, PHONE, DOB);
    expect(page.body).toContain('desk-msg-1');
    expect(page.body).not.toContain('desk-note-1');
    await poll(a, (t) => t.entries[0]?.delivery === 'read', 'read');
    const shownBefore = shownAtA.length;
    await browser.post('/t/reply', { csrf: PatientBrowser.csrf(page), text: 'Can I come at 10? <b>thanks</b>' });
    thread = await poll(b, (t) => t.entries.some((e) => e.author === 'patient'), 'the reply at B');
    expect(thread.entries.find((e) => e.author === 'patient')).toMatchObject({ body: 'Can I come at 10? <b>thanks</b>', delivery: null, sender: null });
    await poll(a, (t) => t.entries.some((e) => e.author === 'patient'), 'the reply at A');
    await until(() => replies.a.includes(id) && replies.b.includes(id), 10_000, 'a "New patient reply" at both');
    // One reply, one notification (the room message itself stays silent).
    await new Promise((r) => setTimeout(r, 500));
    expect(shownAtA.slice(shownBefore)).toEqual(['New patient reply']);
    expect((await a.list('open')).find((c) => c.conversationId === id)).toMatchObject({ waitingFor: 'staff' });

    // B claims it and answers; A sees who handles it; the patient reads the answer.
    expect(await b.assign(id, bob.jid)).toMatchObject({ assignee: bob.jid });
    expect((await a.list('open')).find((c) => c.conversationId === id)).toMatchObject({ assignee: bob.jid });
    await b.send(id, 'Yes, 10 is fine (desk-msg-2)', false);
    await until(() => fx.gateway.ctx.store.messages(id, 10).some((m) => m.body.includes('desk-msg-2')), 15_000, 'B relayed');
    expect((await browser.get('/t')).body).toContain('desk-msg-2');
    expect((await a.list('open')).find((c) => c.conversationId === id)).toMatchObject({ waitingFor: 'patient' });

    // Closed: nothing more goes to the patient (a note still may), reopened: it does again.
    expect(await a.setStatus(id, 'closed')).toMatchObject({ status: 'closed' });
    await expect(a.send(id, 'After closing', false)).rejects.toMatchObject({ code: 'conflict' });
    await a.send(id, 'Note after closing (desk-note-2)', true);
    expect(await a.setStatus(id, 'open')).toMatchObject({ status: 'open' });
    expect((await a.list('closed')).map((c) => c.conversationId)).not.toContain(id);
  });

  it('answers a conversation that does not exist with a typed not_found', async () => {
    await expect(b.thread('does-not-exist-0000')).rejects.toBeInstanceOf(CoreError);
    await expect(b.thread('does-not-exist-0000')).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('quiet hours, as the desktop shows them', () => {
  let fx: GatewayFixture;
  let alice: Account;
  // A window around now, in UTC: every notification asked for now is queued until it ends.
  const hhmm = (d: Date) => d.toISOString().slice(11, 16);
  const now = Date.now();
  const end = new Date(now + 60 * 60_000);

  beforeAll(async () => {
    fx = await startGatewayFixture(prosody, { quietHours: { start: hhmm(new Date(now - 60 * 60_000)), end: hhmm(end), timeZone: 'UTC' } });
    alice = await fx.staff('alice');
  });
  afterAll(() => fx?.stop());

  it('a message written during quiet hours reads "queued until" with the time the patient will be told, and no text goes out', async () => {
    const service = new PatientService(
      engineTransport({ engine: alice.engine, store: alice.store, me: alice.jid, gateway: fx.gateway.ctx.xmpp.domain, nick: 'alice' }),
      { changed: () => undefined, patientReplied: () => undefined },
    );
    const created = await service.create({ name: 'Quiet Canary', phone: PHONE, dateOfBirth: DOB, consentMethod: 'written', channel: 'sms', language: 'es', firstMessage: 'Su cita es el lunes (quiet-msg-1)' });
    const deadline = Date.now() + 15_000;
    let entry;
    for (;;) {
      entry = (await service.thread(created.conversationId)).entries[0];
      if (entry?.failure === 'quiet_hours_until' || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    service.dispose();
    expect(entry).toMatchObject({ delivery: 'queued', failure: 'quiet_hours_until' });
    // The end of the window, to the minute (the policy is in whole minutes).
    expect(Math.abs((entry?.until ?? 0) - Math.floor(end.getTime() / 60_000) * 60_000)).toBeLessThan(60_000);
    expect(fx.sms.messages.filter((m) => m.to === PHONE)).toEqual([]);
  });
});
