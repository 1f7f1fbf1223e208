import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noteMarker, readStateMessage } from '../../node-shared/xmpp/patient-commands.ts';
import { el, NS_CLIENT } from '../../node-shared/xmpp/xml.ts';
import type { StateEvent } from '../../shared/contract/patient-gateway.ts';
import type { Account } from '../integration/messaging-support.ts';
import { SERVERS } from '../support/servers.ts';
import { removeTempDirs } from '../support/temp-dir.ts';
import { command, openConversation, OUTSIDER, PatientBrowser, startGatewayFixture, until, verifyPatient, type GatewayFixture } from './gateway-support.ts';

const PHONE = '+12025550143';
const DOB = '1975-04-09';

afterAll(() => removeTempDirs());

describe.each(SERVERS)('patient gateway against $name', (server) => {
  let fx: GatewayFixture;
  let alice: Account;
  let bob: Account;
  const events: StateEvent[] = [];

  beforeAll(async () => {
    fx = await startGatewayFixture(server);
    alice = await fx.staff('alice');
    bob = await fx.staff('bob');
    alice.manager.onStanza((s) => {
      const e = s.name === 'message' ? readStateMessage(s) : null;
      if (e !== null) events.push(e);
    });
  });
  afterAll(() => fx?.stop());

  it('staff open a team conversation; the patient gets a PHI-free SMS link, verifies with date of birth and code, reads, replies; both staff see the reply; notes stay in the room', async () => {
    const created = await openConversation(fx, alice, { name: 'Rosa Canary-Name', phone: PHONE, dateOfBirth: DOB });
    const { room, conversationId } = created;
    expect(created).toMatchObject({ status: 'open', link: 'none', contactHint: '•••• 0143', assignee: null });
    // The room belongs to the team: both are members and can join it.
    await bob.engine.joinRoom(room, 'bob');
    await until(() => alice.engine.members(room).some((m) => m.nick === 'Patient' && m.jid === fx.gateway.ctx.xmpp.domain), 10_000, 'gateway occupant');

    // An internal note first: it is never relayed (no SMS, nothing on the page).
    alice.manager.send(el('message', NS_CLIENT, { to: room, type: 'groupchat', id: 'note-1' }, el('body', NS_CLIENT, {}, 'Internal canary-note: call back'), noteMarker()));
    alice.engine.send({ to: room, body: 'Your appointment is tomorrow at 9 (canary-msg-1)' });
    await until(() => fx.sms.messages.some((m) => m.to === PHONE), 15_000, 'link sms');
    const sms = fx.sms.messages.find((m) => m.to === PHONE)!;
    expect(sms.body).toContain('Lakeside Clinic');
    expect(sms.body).not.toMatch(/Rosa|canary|1975|appointment/i);
    await until(() => events.some((e) => e.kind === 'message' && e.state.state === 'delivered'), 15_000, 'delivered state');

    const browser = new PatientBrowser(fx.publicUrl, fx.ca);
    const thread = await verifyPatient(fx, browser, PHONE, DOB);
    expect(thread.status).toBe(200);
    expect(thread.body).toContain('Your appointment is tomorrow at 9 (canary-msg-1)');
    expect(thread.body).not.toContain('canary-note');
    await until(() => events.some((e) => e.kind === 'message' && e.state.state === 'read'), 10_000, 'read state');

    const reply = await browser.post('/t/reply', { csrf: PatientBrowser.csrf(thread), text: 'Thanks, <script>alert(1)</script> see you' });
    expect(reply.headers.location).toBe('/t');
    const inStore = (a: Account) => {
      const conversation = a.store.findConversation('room', room);
      return conversation === null ? [] : a.store.messagesPage(conversation.id, { limit: 50 }).messages.map((m) => m.body);
    };
    await until(() => inStore(alice).includes('Thanks, <script>alert(1)</script> see you') && inStore(bob).includes('Thanks, <script>alert(1)</script> see you'), 15_000, 'reply in both stores');
    const page = await browser.get('/t');
    expect(page.body).toContain('Thanks, &lt;script&gt;alert(1)&lt;/script&gt; see you');
    expect(page.body).not.toContain('<script>');

    // Bob claims it and answers; the conversation now waits for the patient.
    const claimed = await command(fx, bob, 'assign', { conversationId, assignee: bob.jid });
    expect(claimed.ok && claimed.value.assignee).toBe(bob.jid);
    bob.engine.send({ to: room, body: 'See you tomorrow (canary-msg-2)' });
    await until(() => fx.gateway.ctx.store.messages(conversationId, 10).some((m) => m.body.includes('canary-msg-2')), 10_000, 'bob relayed');
    expect((await browser.get('/t')).body).toContain('See you tomorrow (canary-msg-2)');
    const list = await command(fx, bob, 'list', { status: 'open' });
    expect(list.ok && list.value.find((c) => c.conversationId === conversationId)).toMatchObject({ assignee: bob.jid, waitingFor: 'patient', link: 'active' });
    const states = await command(fx, alice, 'states', { conversationId });
    expect(states.ok && states.value.length).toBe(2);
    expect(fx.gateway.ctx.audit.verify().ok).toBe(true);
  });

  it('answers only the front-desk team, and refuses malformed requests with a typed error', async () => {
    const mallory = await fx.staff(OUTSIDER);
    await expect(command(fx, mallory, 'list', { status: 'all' })).rejects.toMatchObject({ iq: expect.objectContaining({ attrs: expect.objectContaining({ type: 'error' }) }) as unknown });
    const bad = await command(fx, alice, 'create', {
      name: 'X',
      phone: '12345',
      dateOfBirth: '2999-01-01',
      consent: { given: true, recordedBy: alice.jid, method: 'verbal' },
      channel: 'sms',
      locale: 'en',
    } as never);
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid' } });
    const notMine = await command(fx, alice, 'create', {
      name: 'Y',
      phone: PHONE,
      dateOfBirth: DOB,
      consent: { given: true, recordedBy: bob.jid, method: 'verbal' },
      channel: 'sms',
      locale: 'en',
    });
    expect(notMine).toMatchObject({ ok: false, error: { code: 'no_consent' } });
  });
});
