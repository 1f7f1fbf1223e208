import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../electron/core/log/logger.ts';
import { createConnectionManager } from '../../electron/core/messaging/manager.ts';
import { el, NS_CLIENT } from '../../node-shared/xmpp/xml.ts';
import { startProsody, type ProsodyHandle } from '../../electron/dev/prosody/index.ts';
import { makeTempDir, removeTempDirs } from '../support/temp-dir.ts';
import { bodies, openAccount, serverFor, until, type Account } from './messaging-support.ts';

/**
 * Issue 13: in a cluster, a node can acknowledge a message and route it to a session on a node
 * that then dies: the message exists only in the sender's archive and stays "sent" without a
 * receipt. Stood in for here by a recipient session that takes the message and vanishes without
 * storing it, on a server with no archive (so nothing else can bring it back).
 */
let prosody: ProsodyHandle;
const open: Account[] = [];
const STAFF = [
  { username: 'hana', name: 'Hana Ito' },
  { username: 'ivo', name: 'Ivo Petrov' },
];

beforeAll(async () => {
  prosody = await startProsody({
    users: STAFF.map((m) => ({ username: m.username, password: `pw-${m.username}` })),
    staffDirectory: { group: 'Clinic staff', members: STAFF },
    mucDomain: false,
    httpUpload: false,
    extraConfig: 'modules_disabled = { "mam" }',
  });
});

afterAll(async () => {
  for (const a of open) await a.close().catch(() => {});
  await prosody?.stop();
  await removeTempDirs();
});

describe('messages the server took but the peer never confirmed', () => {
  it('go out again with the same id when the peer comes back online, and are stored once', async () => {
    const dir = makeTempDir('resend-unreceipted');
    const hana = await openAccount(prosody, { dir, username: 'hana' });
    open.push(hana);
    const ivoJid = `ivo@${prosody.domain}`;
    // Ivo's first session takes the message and dies with it (no store, no receipt).
    const doomed = createConnectionManager({ server: serverFor(prosody), credentials: { username: 'ivo', password: 'pw-ivo', resource: 'doomed' }, log: silentLogger });
    doomed.start();
    await doomed.waitOnline();
    doomed.send(el('presence', NS_CLIENT));
    await until(() => hana.store.getContact(ivoJid)?.presence === 'available', 10_000, 'ivo online');
    let took = 0;
    doomed.onStanza((s) => {
      if (s.name === 'message' && s.attrs.type === 'chat') took++;
    });
    const sent = hana.engine.send({ to: ivoJid, body: 'call the lab about bed 4' });
    await until(() => took === 1 && hana.store.getMessageByClientId(sent.clientId)?.state === 'sent', 10_000, 'taken, no receipt');
    // Long enough for the server to have asked for, and had, its stream acknowledgement.
    await new Promise((r) => setTimeout(r, 500));
    await doomed.stop();
    await until(() => hana.store.getContact(ivoJid)?.presence === 'unavailable', 15_000, 'ivo gone');
    expect(hana.store.getMessageByClientId(sent.clientId)?.state).toBe('sent');

    // Ivo comes back on his workstation: Hana's client sends the message again, same id.
    const ivo = await openAccount(prosody, { dir, username: 'ivo' });
    open.push(ivo);
    await until(() => hana.store.getMessageByClientId(sent.clientId)?.state === 'delivered', 15_000, 'delivered after the resend');
    expect(bodies(ivo.store, hana.jid)).toEqual(['call the lab about bed 4']);
  });
});
