import { describe, expect, it } from 'vitest';
import {
  buildChat,
  NS_CARBONS,
  NS_FORWARD,
  NS_MAM,
  NS_SID,
  parseChat,
  parseMamResult,
  parseOccupant,
  unwrapCarbon,
} from '../../node-shared/xmpp/stanzas.ts';
import { el, NS_CLIENT, toXml } from '../../node-shared/xmpp/xml.ts';

const ME = 'me@clinic.test';
const chat = (attrs: Record<string, string>, ...kids: ReturnType<typeof el>[]) => el('message', NS_CLIENT, { type: 'chat', ...attrs }, ...kids);

describe('message stanzas', () => {
  it('builds our chat with id = origin-id, receipt request, marker and our metadata', () => {
    const xml = toXml(buildChat({ to: 'you@clinic.test', id: 'c-1', body: 'hi', sentAt: 5, priority: 'urgent', patientTag: 'MRN-1' }));
    expect(xml).toContain('id="c-1"');
    expect(xml).toContain('<origin-id xmlns="urn:xmpp:sid:0" id="c-1"/>');
    expect(xml).toContain('<request xmlns="urn:xmpp:receipts"/>');
    expect(xml).toContain('<meta xmlns="urn:sealwire:meta:0" priority="urgent" ts="5" patient="MRN-1"/>');
  });

  it('round-trips through parseChat', () => {
    const stanza = buildChat({ to: 'you@clinic.test', id: 'c-1', body: 'hi', sentAt: 5, priority: 'urgent', patientTag: 'MRN-1' });
    const parsed = parseChat({ ...stanza, attrs: { ...stanza.attrs, from: 'me@clinic.test/desk' } }, ME);
    expect(parsed).toMatchObject({ clientId: 'c-1', body: 'hi', priority: 'urgent', patientTag: 'MRN-1', sentAt: 5, receiptRequested: true });
  });

  it('trusts a stanza-id only when our own archive (or the room) stamped it', () => {
    const m = chat(
      { from: 'you@clinic.test/x', id: 'c-2' },
      el('body', NS_CLIENT, {}, 'x'),
      el('stanza-id', NS_SID, { by: 'evil@else.test', id: 'forged' }),
      el('stanza-id', NS_SID, { by: ME, id: 'real' }),
    );
    expect(parseChat(m, ME).serverId).toBe('real');
    expect(parseChat(chat({ id: 'c' }, el('stanza-id', NS_SID, { by: 'x@y', id: 'no' })), ME).serverId).toBeNull();
  });

  it('ignores unknown priorities and admin actions, bounds sizes', () => {
    const m = chat(
      { from: 'you@clinic.test/x', id: 'i'.repeat(500) },
      el('body', NS_CLIENT, {}, 'b'.repeat(20_000)),
      el('meta', 'urn:sealwire:meta:0', { priority: 'panic', patient: 'p'.repeat(500) }),
      el('command', 'urn:sealwire:admin:0', { action: 'format-disk', id: 'x' }),
    );
    const parsed = parseChat(m, ME);
    expect(parsed.priority).toBe('normal');
    expect(parsed.admin).toBeNull();
    expect(parsed.body?.length).toBe(10_000);
    expect(parsed.clientId?.length).toBe(200);
    expect(parsed.patientTag?.length).toBe(100);
  });
});

describe('carbons and archive results are only believed from our own account', () => {
  const inner = chat({ from: 'you@clinic.test/x', to: ME, id: 'c-3' }, el('body', NS_CLIENT, {}, 'planted'));
  const carbon = (from: string) =>
    el('message', NS_CLIENT, { from, to: `${ME}/desk` }, el('received', NS_CARBONS, {}, el('forwarded', NS_FORWARD, {}, inner)));

  it('accepts a carbon from our bare JID', () => {
    expect(unwrapCarbon(carbon(ME), ME)?.direction).toBe('received');
  });

  it('rejects a carbon forged by someone else', () => {
    expect(unwrapCarbon(carbon('mallory@clinic.test/x'), ME)).toBeNull();
  });

  it('rejects archive results from a stranger, accepts ours and joined rooms', () => {
    const result = (from?: string) =>
      el('message', NS_CLIENT, from ? { from } : {}, el('result', NS_MAM, { queryid: 'q', id: 'a1' }, el('forwarded', NS_FORWARD, {}, inner)));
    expect(parseMamResult(result(), ME)?.archiveId).toBe('a1');
    expect(parseMamResult(result(ME), ME)?.archiveId).toBe('a1');
    expect(parseMamResult(result('mallory@clinic.test'), ME)).toBeNull();
    expect(parseMamResult(result('room@rooms.clinic.test'), ME, new Set(['room@rooms.clinic.test']))?.archiveId).toBe('a1');
  });
});

describe('room presence', () => {
  it('reads nick, real JID, role and the self / created status codes', () => {
    const p = el(
      'presence',
      NS_CLIENT,
      { from: 'team@rooms.clinic.test/Ana' },
      el(
        'x',
        'http://jabber.org/protocol/muc#user',
        {},
        el('item', 'http://jabber.org/protocol/muc#user', { jid: 'ana@clinic.test/desk', role: 'moderator' }),
        el('status', 'http://jabber.org/protocol/muc#user', { code: '110' }),
        el('status', 'http://jabber.org/protocol/muc#user', { code: '201' }),
      ),
    );
    expect(parseOccupant(p)).toEqual({
      room: 'team@rooms.clinic.test',
      nick: 'Ana',
      available: true,
      realJid: 'ana@clinic.test',
      role: 'moderator',
      self: true,
      created: true,
      removed: false,
    });
    expect(parseOccupant(el('presence', NS_CLIENT, { from: 'team@rooms.clinic.test' }))).toBeNull();
  });
});
