import { describe, expect, it } from 'vitest';
import type { ArchiveSync } from '../../electron/core/messaging/archive-sync.ts';
import type { EngineContext } from '../../electron/core/messaging/context.ts';
import type { RejectReason } from '../../electron/core/messaging/engine-types.ts';
import { Inbound, type InboundDeps } from '../../electron/core/messaging/inbound.ts';
import { NS_CARBONS, NS_DELAY, NS_FORWARD, NS_MAM, type MamResult } from '../../node-shared/xmpp/stanzas.ts';
import { el, NS_CLIENT, type XmlElement } from '../../node-shared/xmpp/xml.ts';

const ME = 'me@clinic.test';
const ROOM = 'ward@rooms.clinic.test';

/** The inbound boundary alone: its neighbours are stand-ins that record what reaches them. */
function boundary(open: Record<string, string | null>) {
  const rejected: RejectReason[] = [];
  const held: MamResult[] = [];
  const direct: string[] = [];
  const room: string[] = [];
  const ctx = { ownBare: ME, reject: (r: RejectReason) => rejected.push(r), log: { warn() {}, info() {} } } as unknown as EngineContext;
  const deps = {
    rooms: { has: (jid: string) => jid === ROOM, message: (m: XmlElement) => room.push(m.attrs.id ?? '') },
    direct: { ingest: (_p: unknown, source: string) => direct.push(source) },
    archive: {
      queried: (q: string) => (q in open ? { room: open[q] } : undefined),
      hold: (m: MamResult) => held.push(m),
      caughtUp: false,
    } as unknown as ArchiveSync,
    outbox: { ownMessage: () => null },
    admin: { handle() {} },
  } as unknown as InboundDeps;
  return { inbound: new Inbound(ctx, deps), rejected, held, direct, room };
}

const inner = (attrs: Record<string, string>) => el('message', NS_CLIENT, attrs, el('body', NS_CLIENT, {}, 'text'));
const result = (from: string | undefined, queryid: string, message: XmlElement) =>
  el(
    'message',
    NS_CLIENT,
    { ...(from === undefined ? {} : { from }), to: `${ME}/desk`, id: 'outer' },
    el('result', NS_MAM, { queryid, id: 'a1' }, el('forwarded', NS_FORWARD, {}, el('delay', NS_DELAY, { stamp: '2026-01-01T00:00:00Z' }), message)),
  );

describe('inbound boundary (engine module, alone)', () => {
  it('takes archive results only for our open queries, from the archive queried, with messages that belong there', () => {
    const b = boundary({ self: null, room: ROOM });
    const oneToOne = inner({ from: 'bob@clinic.test/x', to: ME, type: 'chat' });
    const groupchat = inner({ from: `${ROOM}/Bob`, to: ME, type: 'groupchat' });
    b.inbound.message(result(undefined, 'self', oneToOne)); // ours, no from: accepted
    b.inbound.message(result(ME, 'self', oneToOne)); // ours, from our bare JID: accepted
    b.inbound.message(result(ROOM, 'room', groupchat)); // the room's archive, its groupchat: accepted
    expect(b.held).toHaveLength(3);
    b.inbound.message(result(undefined, 'nobody-asked', oneToOne));
    b.inbound.message(result(`${ROOM}/Mal`, 'room', groupchat)); // a member, not the room
    b.inbound.message(result(ROOM, 'self', oneToOne)); // the room answering our own query
    b.inbound.message(result('mallory@clinic.test', 'self', oneToOne));
    b.inbound.message(result(ROOM, 'room', oneToOne)); // a 1:1 message inside a room's archive
    b.inbound.message(result(undefined, 'self', groupchat)); // a groupchat inside our own archive
    b.inbound.message(result(undefined, 'self', inner({ from: 'bob@clinic.test', to: 'carol@clinic.test', type: 'chat' })));
    expect(b.held).toHaveLength(3);
    expect(b.rejected).toEqual([
      'archive-unsolicited',
      'archive-wrong-source',
      'archive-wrong-source',
      'archive-wrong-source',
      'archive-foreign-message',
      'archive-foreign-message',
      'archive-foreign-message',
    ]);
  });

  it('takes carbons only from our bare JID and only of 1:1 messages involving us', () => {
    const b = boundary({});
    const carbon = (from: string | undefined, kind: 'sent' | 'received', m: XmlElement) =>
      el('message', NS_CLIENT, { ...(from === undefined ? {} : { from }), to: `${ME}/desk`, id: 'c' }, el(kind, NS_CARBONS, {}, el('forwarded', NS_FORWARD, {}, m)));
    b.inbound.message(carbon(ME, 'received', inner({ from: 'bob@clinic.test/x', to: `${ME}/other`, type: 'chat' })));
    b.inbound.message(carbon(ME, 'sent', inner({ from: `${ME}/other`, to: 'bob@clinic.test', type: 'chat' })));
    expect(b.direct).toEqual(['carbon', 'carbon']);
    b.inbound.message(carbon(`${ME}/other`, 'received', inner({ from: 'bob@clinic.test', to: ME, type: 'chat' })));
    b.inbound.message(carbon('bob@clinic.test', 'received', inner({ from: 'bob@clinic.test', to: ME, type: 'chat' })));
    b.inbound.message(carbon(ME, 'sent', inner({ from: 'bob@clinic.test', to: ME, type: 'chat' })));
    b.inbound.message(carbon(ME, 'received', inner({ from: `${ROOM}/Bob`, to: ME, type: 'chat' })));
    expect(b.direct).toHaveLength(2);
    expect(b.rejected).toEqual(['forged-carbon', 'forged-carbon', 'forged-carbon', 'forged-carbon']);
  });
});
