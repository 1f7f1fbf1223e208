import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OnlineInfo } from '../../electron/core/messaging/manager.ts';
import type { XmppServerHandle } from '../../electron/dev/xmpp-server.ts';
import { SERVERS } from '../support/servers.ts';
import { allMessages, bodies, openAccount, tempDir, until, type Account } from './messaging-support.ts';
import { removeTempDir } from '../support/temp-dir.ts';

describe.each(SERVERS)('against a real $name', (fixture) => {
  let server: XmppServerHandle;
  let dir: string;
  const open: Account[] = [];
  let n = 0;

  async function pair(timeoutMs = 5_000): Promise<[Account, Account]> {
    const names = [`r${++n}a${process.pid}`, `r${n}b${process.pid}`];
    for (const name of names) await server.register(name, `pw-${name}`);
    const a = await openAccount(server, { dir, username: names[0]!, server: { timeoutMs } });
    const b = await openAccount(server, { dir, username: names[1]!, server: { timeoutMs } });
    open.push(a, b);
    return [a, b];
  }

  /** After each scenario: every message exactly once on both sides, in the order it was written. */
  async function expectExactlyOnce(a: Account, b: Account, written: string[]) {
    await until(() => bodies(b.store, a.jid).length >= written.length && a.store.outboxSize() === 0, 50_000, 'all delivered and acked');
    await b.engine.whenSynced();
    expect(bodies(b.store, a.jid)).toEqual(written);
    expect(bodies(a.store, b.jid)).toEqual(written);
    const ids = allMessages(b.store, a.jid).map((m) => m.clientId);
    expect(new Set(ids).size).toBe(written.length);
  }

  const burst = (label: string, count: number) => Array.from({ length: count }, (_, i) => `${label} ${i}`);

  beforeAll(async () => {
    server = await fixture.start({ mucDomain: false, httpUpload: false });
    dir = await tempDir();
  });

  // Each scenario's clients go when it ends, so one scenario's traffic never slows the next.
  afterEach(async () => {
    for (const a of open.splice(0)) await a.close().catch(() => {});
  });

  afterAll(async () => {
    await server?.stop();
    if (dir) await removeTempDir(dir);
  });

  describe('no message lost, none duplicated', () => {
    it('never sends before <enabled/>: a burst queued while connecting is counted right and the session still resumes', async () => {
      const [a, b] = await pair();
      await a.manager.stop();
      const written = burst('early', 30);
      a.manager.start();
      for (const body of written) a.engine.send({ to: b.jid, body }); // all while negotiating
      expect(a.manager.state).toBe('connecting');
      await a.manager.waitOnline();
      await expectExactlyOnce(a, b, written);
      const sessions: OnlineInfo[] = [];
      a.manager.onOnline((info) => sessions.push(info));
      a.manager.dropSocket();
      await until(() => sessions.length === 1, 15_000, 'reconnect');
      // The server accepted our <a h/> counts: an over-acknowledged session cannot resume.
      expect(sessions[0]!.resumed).toBe(true);
    });

    it('sender socket killed mid-burst: resumes (XEP-0198) and resends only what was not acknowledged', async () => {
      const [a, b] = await pair();
      const resumed: boolean[] = [];
      a.manager.onOnline((info) => resumed.push(info.resumed));
      const written = burst('sender-drop', 400);
      written.forEach((body, i) => {
        a.engine.send({ to: b.jid, body });
        if (i === 150) a.manager.dropSocket();
      });
      await a.manager.waitOnline();
      await expectExactlyOnce(a, b, written);
      expect(resumed).toEqual([true]);
    });

    it('receiver socket killed mid-burst: the server redelivers on resume, the store folds repeats', async () => {
      const [a, b] = await pair();
      const written = burst('receiver-drop', 400);
      let dropped = false;
      b.engine.onIncoming(() => {
        // Reads are stored in groups, so the count jumps: drop at the first group past 150.
        if (!dropped && bodies(b.store, a.jid).length >= 150) {
          dropped = true;
          b.manager.dropSocket();
        }
      });
      for (const body of written) a.engine.send({ to: b.jid, body });
      await until(() => dropped, 15_000, 'drop');
      await b.manager.waitOnline();
      await expectExactlyOnce(a, b, written);
    });

    it('server restarted mid-burst: full re-login, outbox resent, archive catch-up, exactly once', async () => {
      const [a, b] = await pair();
      const written = burst('restart', 300);
      for (const body of written.slice(0, 150)) a.engine.send({ to: b.jid, body });
      const restarting = server.restart();
      for (const body of written.slice(150)) a.engine.send({ to: b.jid, body });
      await restarting;
      await a.manager.waitOnline(30_000);
      await b.manager.waitOnline(30_000);
      await expectExactlyOnce(a, b, written);
    });

    it('a server that goes silent (frozen, like a route lost while the laptop slept) is detected and recovered from', async () => {
      const [a, b] = await pair(800);
      const states: string[] = [];
      a.engine.onConnection((s) => states.push(s));
      const pid = server.pid!;
      process.kill(pid, 'SIGSTOP');
      try {
        const written = burst('frozen', 20);
        for (const body of written) a.engine.send({ to: b.jid, body });
        // No socket error ever arrives: only our keep-alive / ack timeout can notice.
        await until(() => states.includes('reconnecting'), 10_000, 'silence detected');
        process.kill(pid, 'SIGCONT');
        await a.manager.waitOnline(20_000);
        await b.manager.waitOnline(20_000);
        await expectExactlyOnce(a, b, written);
      } finally {
        process.kill(pid, 'SIGCONT');
      }
    });

    it('server killed (SIGKILL) mid-burst and back later: the connection reports state, never crashes, and recovers', async () => {
      const [a, b] = await pair();
      const states: string[] = [];
      a.engine.onConnection((s) => states.push(s));
      const written = burst('crash', 200);
      for (const body of written.slice(0, 100)) a.engine.send({ to: b.jid, body });
      await server.kill();
      for (const body of written.slice(100)) a.engine.send({ to: b.jid, body });
      await until(() => states.includes('reconnecting'), 10_000, 'reconnecting state');
      await new Promise((r) => setTimeout(r, 300));
      await server.restart();
      await a.manager.waitOnline(30_000);
      await b.manager.waitOnline(30_000);
      await expectExactlyOnce(a, b, written);
      expect(states.at(-1)).toBe('online');
    });

    it('a burst larger than the outbox window (1,000 unacknowledged) flows through, in order, exactly once', async () => {
      const [a, b] = await pair();
      const written = burst('window', 1_600);
      for (const body of written) a.engine.send({ to: b.jid, body });
      await expectExactlyOnce(a, b, written);
    });
  });
});
