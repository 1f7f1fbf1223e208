import { describe, expect, it } from 'vitest';
import { conversationsMethods, messagingEvents, messagingMethods, type EventName } from '../../shared/contract/index.ts';
import { bindMessagingEvents } from '../../electron/core/account/messaging-events.ts';
import { conversationsHandlers } from '../../electron/core/ipc/handlers/conversations.ts';
import { messagingHandlers } from '../../electron/core/ipc/handlers/messaging.ts';
import { NS_DELAY, NS_META, NS_SID } from '../../node-shared/xmpp/stanzas.ts';
import { el, NS_CLIENT, type XmlElement } from '../../node-shared/xmpp/xml.ts';
import { prosodyForFile, until } from '../integration/messaging-support.ts';

/**
 * Issue 8 item 4: a hostile peer sends every field at its extremes. The victim's inbox, thread,
 * search and notification events keep working through the real core, and every answer passes
 * the contract's response validation.
 */
const file = prosodyForFile(['nurse', 'mallory'], { httpUpload: false });
const account = (username: string) => file.account(username);
const YEAR = 365.25 * 24 * 3_600_000;
const RLO = '\u202E';
const LRI = '\u2066';

describe('a hostile peer at every extreme', () => {
  it('times, lengths, control characters, bidi overrides, surrogates and huge bodies: inbox, thread, search and events still work', async () => {
    const d = file.prosody.domain;
    const nurse = await account('nurse');
    const mallory = await account('mallory');
    const to = `nurse@${d}`;
    const events: Array<{ name: EventName; payload: unknown }> = [];
    const unbind = bindMessagingEvents(nurse.engine, (name, payload) => events.push({ name, payload }));
    file.onClose(unbind);

    const hostile = (n: number, body: string, meta: Record<string, string | number>, extra: XmlElement[] = [], id = `h${n}`) =>
      el('message', NS_CLIENT, { to, type: 'chat', id }, el('body', NS_CLIENT, {}, body), el('meta', NS_META, meta), ...extra);
    const now = Date.now();
    const stanzas: XmlElement[] = [
      hostile(1, 'hostile future', { ts: now + 100 * YEAR, priority: 'urgent' }),
      hostile(2, 'hostile past', { ts: now - 100 * YEAR }),
      hostile(3, 'hostile absurd time', { ts: '1e300' }),
      hostile(4, 'hostile negative time', { ts: -5 }),
      hostile(5, 'hostile forged offline delay', {}, [el('delay', NS_DELAY, { from: d, stamp: new Date(now + 100 * YEAR).toISOString() })]),
      hostile(6, 'hostile ancient delay', {}, [el('delay', NS_DELAY, { from: d, stamp: '0001-01-01T00:00:00Z' })]),
      hostile(7, `hostile ${'long '.repeat(40_000)}`, { patient: `MRN${'9'.repeat(5_000)}`, priority: 'urgent' }),
      hostile(8, `hostile controls \u007F\u0085\u009B and ${RLO}txt.exe${LRI} overrides`, { patient: `${RLO}MRN\u0085-1`, ts: now }),
      hostile(9, 'hostile lone surrogates \uD800 and \uDC00 end', { patient: 'x\uDBFF' }),
      hostile(10, 'hostile long id', {}, [el('origin-id', NS_SID, { id: 'i'.repeat(5_000) })]),
      hostile(11, 'https://evil.example/f', { fname: `${RLO}${'n'.repeat(10_000)}.pdf`, mime: `text/${'p'.repeat(1_000)}`, size: -1 }, [
        el('x', 'jabber:x:oob', {}, el('url', 'jabber:x:oob', {}, 'https://evil.example/f')),
      ]),
    ];
    for (const s of stanzas) expect(mallory.manager.send(s)).toBe(true);
    // A presence with a huge, hostile status.
    mallory.manager.send(el('presence', NS_CLIENT, { to }, el('show', NS_CLIENT, {}, `${RLO}${'away'.repeat(10_000)}`), el('status', NS_CLIENT, {}, 's'.repeat(100_000))));
    // A 10 MB body: refused on the way (the server's or our stanza limit); it must cost nothing.
    mallory.manager.send(hostile(12, `hostile ${'x'.repeat(10 * 1024 * 1024)}`, {}));
    // Then a plain message from a colleague who is not hostile at all.
    const plain = await account('mallory');
    plain.engine.send({ to, body: 'plain after the storm' });

    const convo = () => nurse.store.findConversation('direct', `mallory@${d}`);
    await until(() => {
      const c = convo();
      return c !== null && nurse.store.messagesPage(c.id, { limit: 200 }).messages.some((m) => m.body === 'plain after the storm');
    }, 30_000, 'the plain message after the hostile ones');

    // Through the core's handlers, validated by the contract as the dispatcher does.
    const handlers = conversationsHandlers({ requireStore: () => nurse.store });
    const ctx = { transport: 'bridge' as const };
    const inbox = conversationsMethods['conversations.inbox'].response.parse(await handlers['conversations.inbox']({}, ctx));
    expect(inbox.entries.map((e) => e.jid)).toContain(`mallory@${d}`);
    const page = conversationsMethods['messages.page'].response.parse(await handlers['messages.page']({ conversationId: convo()!.id, limit: 200 }, ctx));
    const hostileRows = page.messages.filter((m) => m.body.startsWith('hostile') || m.body.startsWith('https://'));
    expect(hostileRows.length).toBeGreaterThanOrEqual(stanzas.length - 1);
    const search = conversationsMethods['messages.search'].response.parse(await handlers['messages.search']({ query: 'hostile' }, ctx));
    expect(search.hits.length).toBeGreaterThan(0);
    for (const e of events) messagingEvents[e.name as keyof typeof messagingEvents].parse(e.payload);
    expect(events.filter((e) => e.name === 'messaging.incoming').length).toBeGreaterThanOrEqual(hostileRows.length);
    const directory = messagingHandlers({ current: () => ({ engine: nurse.engine, manager: nurse.manager, store: nurse.store }), emit: () => {} });
    messagingMethods['messaging.directory'].response.parse(await directory['messaging.directory']({}, ctx));

    // No sender time dates anything: every message is dated within minutes of now.
    const after = Date.now();
    for (const m of page.messages) {
      expect(m.sentAt).toBeGreaterThan(now - 10 * 60_000);
      expect(m.sentAt).toBeLessThan(after + 10 * 60_000);
    }
    // Every string clipped and cleaned.
    const all = JSON.stringify(page.messages);
    expect(all).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u007F-\u009F]/);
    expect(page.messages.every((m) => m.body.length <= 10_000 && (m.patientTag ?? '').length <= 100 && m.clientId.length <= 256)).toBe(true);
    expect(page.messages.every((m) => m.body === m.body.toWellFormed())).toBe(true);
    // The hostile presence: stored as a known status, not as free text.
    // The contact row can exist (from the messages) before the presence arrives: wait for the presence itself.
    await until(() => nurse.store.getContact(`mallory@${d}`)?.presenceAt != null, 10_000, 'presence');
    // 'available' from the hostile presence, or 'unavailable' once the server has ended mallory's
    // stream for the 10 MB stanza (whichever came last): a known status either way, never her text.
    expect(['available', 'unavailable']).toContain(nurse.store.getContact(`mallory@${d}`)?.presence);
    // The thread is ordered by when the messages reached us, not by the sender's claims: the one
    // claiming to come from 100 years ahead does not sit below a message that arrived after it.
    const order = page.messages.map((m) => m.body);
    expect(order.indexOf('hostile future')).toBeLessThan(order.indexOf('plain after the storm'));
  });

  it('one row the contract refuses (stored before these limits) is left out and logged; the rest of the page still answers', async () => {
    const nurse = await account('nurse');
    const chat = nurse.store.ensureConversation({ kind: 'direct', jid: `old-peer@${file.prosody.domain}` });
    const put = (clientId: string, sentAt: number) =>
      nurse.store.insertMessage({ clientId, conversationId: chat.id, senderJid: chat.jid, body: `legacy ${clientId}`, sentAt, direction: 'in' });
    put('before', Date.now() - 2_000);
    put('poison', 1e300); // what an older version stored from a peer's clock
    put('after', Date.now() - 1_000);
    const skipped: unknown[] = [];
    const handlers = conversationsHandlers({
      requireStore: () => nurse.store,
      log: { debug() {}, info() {}, error() {}, warn: (code, fields) => void skipped.push([code, fields]) },
    });
    const ctx = { transport: 'bridge' as const };
    const page = conversationsMethods['messages.page'].response.parse(await handlers['messages.page']({ conversationId: chat.id }, ctx));
    expect(page.messages.map((m) => m.body)).toEqual(['legacy before', 'legacy after']);
    const inbox = conversationsMethods['conversations.inbox'].response.parse(await handlers['conversations.inbox']({}, ctx));
    expect(inbox.entries.find((e) => e.id === chat.id)).toMatchObject({ lastActivity: null });
    expect(skipped).toEqual([['store.row_skipped', { kind: 'message', id: expect.any(Number) }]]);
  });
});

