import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../electron/core/log/logger.ts';
import { ALL_CONTROLS_ON } from '../../electron/core/messaging/engine-types.ts';
import { createConnectionManager, type ConnectionManager } from '../../electron/core/messaging/manager.ts';
import { RECEIPT_GAP_MS } from '../../electron/core/messaging/redelivery.ts';
import { startXmppServer, type XmppServerHandle } from '../../electron/dev/xmpp-server.ts';
import { el, NS_CLIENT } from '../../node-shared/xmpp/xml.ts';
import { SERVERS } from '../support/servers.ts';
import { makeTempDir, removeTempDirs } from '../support/temp-dir.ts';
import { bodies, openAccount, serverFor, until, type Account } from './messaging-support.ts';

/**
 * Issue 13: in a cluster, a node can acknowledge a message and route it to a session on a node
 * that then dies: the message exists only in the sender's archive and stays "sent" without a
 * receipt. Stood in for here by a recipient session that takes messages and stores nothing, on a
 * server that archives nothing (so nothing else can bring them back). The dead node never says the
 * session is gone: here it stays online and mute.
 */
describe.each(SERVERS)('messages the server took but the peer never confirmed ($name)', (fixture) => {
  let server: XmppServerHandle;
  const open: Array<{ close(): Promise<void> }> = [];
  // hana and ivo share the staff directory (each sees the other's presence); kit is outside it.
  const STAFF = [
    { username: 'hana', name: 'Hana Ito' },
    { username: 'ivo', name: 'Ivo Petrov' },
  ];
  let n = 0;

  beforeAll(async () => {
    const users = [...STAFF, { username: 'kit' }].map((m) => ({ username: m.username, password: `pw-${m.username}` }));
    const common = { users, staffDirectory: { group: 'Clinic staff', members: STAFF }, mucDomain: false, httpUpload: false };
    server =
      fixture.kind === 'ejabberd'
        ? await startXmppServer('ejabberd', { ...common, extraConfig: { modules: { mod_mam: { default: 'never' } } } })
        : await startXmppServer('prosody', { ...common, extraConfig: 'modules_disabled = { "mam" }' });
  });

  afterAll(async () => {
    for (const a of open) await a.close().catch(() => {});
    await server?.stop();
    await removeTempDirs();
  });

  /** A session of `username` that takes messages and keeps nothing (the node it lived on died). */
  async function blackHole(username: string): Promise<{ manager: ConnectionManager; took: () => number }> {
    const manager = createConnectionManager({ server: serverFor(server), credentials: { username, password: `pw-${username}`, resource: `hole${++n}` }, log: silentLogger });
    let took = 0;
    manager.onStanza((s) => {
      if (s.name === 'message' && s.attrs.type === 'chat') took++;
    });
    manager.start();
    await manager.waitOnline();
    manager.send(el('presence', NS_CLIENT));
    open.push({ close: () => manager.stop() });
    return { manager, took: () => took };
  }

  async function account(username: string, presence = true): Promise<Account> {
    const a = await openAccount(server, { dir: makeTempDir('resend-unreceipted'), username, engine: { controls: () => ({ ...ALL_CONTROLS_ON, presence }) } });
    open.push(a);
    return a;
  }

  it.each([true, false])('go out again (same id) when the peer signs in on a new resource, presence display %s', async (presence) => {
    const hana = await account('hana', presence);
    const ivoJid = `ivo@${server.domain}`;
    const hole = await blackHole('ivo');
    // Hana knows Ivo's session is there (her client tracks it even with presence off by policy).
    await new Promise((r) => setTimeout(r, 500));
    const body = `call the lab about bed ${n}`;
    const sent = hana.engine.send({ to: ivoJid, body });
    await until(() => hole.took() === 1 && hana.store.getMessageByClientId(sent.clientId)?.state === 'sent', 10_000, 'taken, no receipt');
    await new Promise((r) => setTimeout(r, 500));
    expect(hana.store.getMessageByClientId(sent.clientId)?.state).toBe('sent');
    if (!presence) expect(hana.store.getContact(ivoJid)?.presence ?? null).toBeNull();

    // Ivo signs in on his workstation while the old session is still "online": Hana's client resends.
    const ivo = await account('ivo');
    await until(() => hana.store.getMessageByClientId(sent.clientId)?.state === 'delivered', 15_000, 'delivered after the resend');
    expect(bodies(ivo.store, hana.jid).filter((b) => b === body)).toEqual([body]);
    for (const a of [hana, ivo]) await a.close();
    await hole.manager.stop();
  });

  it('go out again when the peer confirms a later message (no presence at all)', async () => {
    const hana = await account('hana');
    const kitJid = `kit@${server.domain}`;
    const hole = await blackHole('kit');
    const first = hana.engine.send({ to: kitJid, body: 'first: bring the chart' });
    await until(() => hole.took() === 1 && hana.store.getMessageByClientId(first.clientId)?.state === 'sent', 10_000, 'taken, no receipt');
    await hole.manager.stop();
    // Kit is not in Hana's directory: no presence ever reaches her; only the receipt gap can tell.
    const kit = await account('kit');
    await new Promise((r) => setTimeout(r, RECEIPT_GAP_MS + 100));
    const second = hana.engine.send({ to: kitJid, body: 'second: room 3' });
    await until(() => hana.store.getMessageByClientId(second.clientId)?.state === 'delivered', 10_000, 'second delivered');
    await until(() => hana.store.getMessageByClientId(first.clientId)?.state === 'delivered', 10_000, 'first delivered after the gap');
    expect(bodies(kit.store, hana.jid)).toEqual(['first: bring the chart', 'second: room 3']);
    for (const a of [hana, kit]) await a.close();
  });
});
