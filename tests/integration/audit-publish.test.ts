import { randomBytes, randomUUID } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuditLog, type AuditLog } from '../../electron/core/audit/log.ts';
import { startHeadPublishing, type HeadPublishing } from '../../electron/core/audit/publish.ts';
import { silentLogger } from '../../electron/core/log/logger.ts';
import { createAuditHeadPublisher, NS_AUDIT } from '../../electron/core/messaging/audit-head.ts';
import { buildMamQuery, NS_FORWARD, NS_MAM } from '../../node-shared/xmpp/stanzas.ts';
import { child, NS_CLIENT, toXml, type XmlElement } from '../../node-shared/xmpp/xml.ts';
import { createCore } from '../../electron/core/app.ts';
import { createKeytarKeychain } from '../../electron/core/keychain/keychain.ts';
import { devServerOf, type XmppServerHandle } from '../../electron/dev/xmpp-server.ts';
import { organisationServerFrom } from '../../electron/dev/workstation.ts';
import { SERVERS } from '../support/servers.ts';
import { openAccount, tempDir, until, type Account } from './messaging-support.ts';

describe.each(SERVERS)('against a real $name', (fixture) => {
  let prosody: XmppServerHandle;
  let dir: string;
  let audit: AuditLog;
  const open: Account[] = [];
  const BODY_CANARY = `CANARY-BODY-${randomUUID()}`;
  const STAFF_CANARY = `staff-canary-${randomUUID().slice(0, 8)}`;
  const DESK_PASSWORD = 'desk-correct-horse-77';
  const TARGET_CANARY = `conversation:canary${randomUUID().slice(0, 8)}`;

  const auditHeadOf = (stanza: XmlElement): XmlElement | undefined =>
    stanza.name === 'message' ? child(stanza, 'audit-head', NS_AUDIT) : undefined;

  beforeAll(async () => {
    prosody = await fixture.start();
    for (const name of ['staff', 'auditor']) await prosody.register(name, `pw-${name}`);
    await prosody.register('desk', DESK_PASSWORD);
    dir = await tempDir();
    audit = openAuditLog({ file: path.join(dir, 'audit.db'), dbKey: randomBytes(32), macKey: randomBytes(32), deviceId: `dev-${randomUUID()}` });
    audit.append({ event: 'auth.sign_in', staffId: STAFF_CANARY, targets: [TARGET_CANARY] });
  });

  afterAll(async () => {
    for (const a of open) await a.close().catch(() => {});
    audit?.close();
    await prosody?.stop();
    if (dir) await fsp.rm(dir, { recursive: true, force: true });
  });

  let auditor: Account;
  const received: XmlElement[] = [];

  describe('audit chain head published to the organisation server', () => {
    let staff: Account;
    let publishing: HeadPublishing;
    const published: Array<{ seq: number; hash: string }> = [];

    beforeAll(async () => {
      staff = await openAccount(prosody, { dir, username: 'staff' });
      auditor = await openAccount(prosody, { dir, username: 'auditor' });
      open.push(staff, auditor);
      auditor.manager.onStanza((s) => {
        if (auditHeadOf(s) !== undefined) received.push(s);
      });
      // Some PHI the head must never carry: a message the staff member sent.
      staff.engine.send({ to: auditor.jid, body: BODY_CANARY });
      await until(() => staff.store.outboxSize() === 0, 10_000, 'canary message acknowledged');
      publishing = startHeadPublishing({
        head: () => audit.head(),
        publisher: createAuditHeadPublisher({ manager: staff.manager, to: auditor.jid, newId: randomUUID }),
        intervalMs: 3_600_000,
        log: silentLogger,
        onPublished: (h) => published.push({ seq: h.seq, hash: h.hash }),
      });
    });

    afterAll(() => publishing?.stop());

    it('delivers the head (device, seq, hash, MAC) to the audit address, acknowledged through stream management', async () => {
      const head = audit.head();
      expect(await publishing.publishNow()).toBe(true);
      expect(published).toEqual([{ seq: head.seq, hash: head.hash }]);
      await until(() => received.length === 1, 10_000, 'head at the audit address');
      const stanza = received[0]!;
      // No type means 'normal' (RFC 6121 5.2.2); ejabberd re-serialises without the default.
      expect(stanza.attrs.type ?? 'normal').toBe('normal');
      expect((stanza.attrs.from ?? '').split('/')[0]).toBe(staff.jid);
      expect(auditHeadOf(stanza)!.attrs).toMatchObject({ device: head.deviceId, seq: String(head.seq), hash: head.hash, mac: head.mac });
    });

    it('carries no PHI: no body, no staff id, no targets, no message text', () => {
      const xml = toXml(received[0]!);
      expect(child(received[0]!, 'body', NS_CLIENT)).toBeUndefined();
      for (const canary of [BODY_CANARY, STAFF_CANARY, TARGET_CANARY]) expect(xml).not.toContain(canary);
      expect(Object.keys(auditHeadOf(received[0]!)!.attrs).sort()).toEqual(['device', 'hash', 'mac', 'seq']);
    });

    it('publishes again only when the head moved', async () => {
      expect(await publishing.publishNow()).toBe(false);
      audit.append({ event: 'conversation.open', staffId: STAFF_CANARY, targets: [TARGET_CANARY] });
      const moved = audit.head();
      expect(await publishing.publishNow()).toBe(true);
      await until(() => received.length === 2, 10_000, 'second head');
      expect(auditHeadOf(received[1]!)!.attrs).toMatchObject({ seq: String(moved.seq), hash: moved.hash });
      expect(published.map((p) => p.seq)).toEqual([moved.seq - 1, moved.seq]);
    });

    it('is archived by the server at the audit address, so a rewritten local history is detectable from outside', async () => {
      const queryId = randomUUID();
      const heads: XmlElement[] = [];
      const off = auditor.manager.onStanza((s) => {
        const result = child(s, 'result', NS_MAM);
        if (result?.attrs.queryid !== queryId) return;
        const inner = child(child(result, 'forwarded', NS_FORWARD) ?? result, 'message', NS_CLIENT);
        const head = inner === undefined ? undefined : auditHeadOf(inner);
        if (head !== undefined) heads.push(head);
      });
      const iqId = randomUUID();
      const done = new Promise<void>((resolve) => {
        const offIq = auditor.manager.onStanza((s) => {
          if (s.name === 'iq' && s.attrs.id === iqId) {
            offIq();
            resolve();
          }
        });
      });
      expect(auditor.manager.send(buildMamQuery(iqId, queryId, null, 100))).toBe(true);
      await done;
      off();
      expect(heads.map((h) => Number(h.attrs.seq))).toEqual(published.map((p) => p.seq));
      expect(heads.map((h) => h.attrs.hash)).toEqual(published.map((p) => p.hash));
    });

    it('does not count a head as published while offline', async () => {
      await staff.manager.stop();
      audit.append({ event: 'auth.sign_out', staffId: STAFF_CANARY });
      const before = published.length;
      expect(await publishing.publishNow()).toBe(false);
      expect(published).toHaveLength(before);
    });
  });

  describe('composition: a signed-in workstation with an audit address configured', () => {
    it("publishes the device's head over the staff member's connection once messaging is online, with no PHI", async () => {
      const dataDir = await fsp.mkdtemp(path.join(dir, 'station-'));
      const server = {
        ...organisationServerFrom(devServerOf(prosody)),
        auditJid: auditor.jid,
      };
      const core = createCore({
        appVersion: '0.0.0-test',
        dataDir,
        runtime: 'bridge',
        log: silentLogger,
        keychain: createKeytarKeychain(`Sealwire-test-${randomUUID()}`),
        server,
        statusIntervalMs: 60_000,
      });
      try {
        await core.ready;
        const before = received.length;
        const signIn = await core.dispatcher.call(
          'account.firstSignIn',
          { server: prosody.domain, username: 'desk', password: DESK_PASSWORD, displayName: 'Desk Canaryfield' },
          { transport: 'bridge' },
        );
        expect(signIn.ok ? 'ok' : JSON.stringify(signIn.error)).toBe('ok');
        await until(() => received.slice(before).some((s) => (s.attrs.from ?? '').startsWith(`desk@${prosody.domain}/`)), 20_000, 'head from the workstation');
        const stanza = received.slice(before).find((s) => (s.attrs.from ?? '').startsWith(`desk@${prosody.domain}/`))!;
        const head = auditHeadOf(stanza)!;
        // Sign-in and profile creation are audited before messaging starts, so the chain is not empty.
        expect(Number(head.attrs.seq)).toBeGreaterThanOrEqual(1);
        expect(head.attrs.hash).toMatch(/^[0-9a-f]{64}$/);
        expect(head.attrs.mac).toMatch(/^[0-9a-f]+$/);
        const xml = toXml(stanza);
        for (const secret of [DESK_PASSWORD, 'Canaryfield']) expect(xml).not.toContain(secret);
      } finally {
        await core.close();
      }
    });
  });
});
