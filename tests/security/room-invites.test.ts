import { describe, expect, it } from 'vitest';
import type { RejectedStanza } from '../../electron/core/messaging/engine.ts';
import { buildDirectInvite } from '../../electron/core/messaging/room-stanzas.ts';
import { prosodyForFile, until } from '../integration/messaging-support.ts';

/**
 * Issue 11 (team rooms): an invitation makes a workstation join a room on its own, so who may
 * invite is decided at the inbound boundary. A hostile sender must not pull a workstation into a
 * room it controls (where what staff type would be read): only a colleague of our own organisation
 * may invite, and only into the organisation's room service. Real Prosody, real encrypted stores.
 */
const file = prosodyForFile(['alice', 'mallory', 'bob'], { httpUpload: false });

describe('room invitations', () => {
  it('an invitation into a room outside the organisation’s room service is refused and audited; a colleague’s is accepted', async () => {
    const rejected: RejectedStanza[] = [];
    const muc = file.prosody.mucDomain;
    const alice = await file.account('alice', { engine: { mucDomain: muc, nick: () => 'Alice', onRejected: (e) => rejected.push(e) } });
    const mallory = await file.account('mallory', { engine: { mucDomain: muc, nick: () => 'Mal' } });
    const bob = await file.account('bob', { engine: { mucDomain: muc, nick: () => 'Bob' } });

    // Rooms elsewhere: another server's room service, a look-alike subdomain, our own domain (not the room service).
    for (const [n, room] of [`spy@conference.attacker.example`, `spy@evil.${muc}`, `spy@${file.prosody.domain}`].entries()) {
      mallory.manager.send(buildDirectInvite(alice.jid, `bad-${n}`, room));
    }
    await until(() => rejected.length === 3, 10_000, 'three refusals');
    expect(rejected.map((r) => r.reason)).toEqual(['invite-foreign', 'invite-foreign', 'invite-foreign']);
    expect(alice.engine.rooms()).toEqual([]);
    expect(alice.store.inbox({ limit: 10, includeArchived: true }).entries).toEqual([]);

    // A colleague's invitation into the organisation's room service is followed.
    const room = await bob.engine.createRoom('Ward 3', [alice.jid]);
    await until(() => alice.engine.rooms().some((r) => r.jid === room && r.joined), 10_000, 'alice joined the colleague’s room');
    expect(rejected).toHaveLength(3);
  });
});
