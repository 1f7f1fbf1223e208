/**
 * One workstation's messaging engine in its own process, so a test can kill -9 it mid-burst and
 * start it again on the same encrypted store. Argument: one JSON object (StationChildConfig).
 * Prints one line per event on stdout: `online`, `sent <n>` (after each chunk of sends),
 * `shown <body>` (each incoming message), `committing <i>` (the commit it was told to die in has
 * started; its group's first message is number i), `settled <json of the stored bodies, by direction>` (mode 'settle', then it exits).
 */
import fs from 'node:fs';
import { silentLogger } from '../../electron/core/log/logger.ts';
import { createMessagingEngine } from '../../electron/core/messaging/engine.ts';
import { createConnectionManager } from '../../electron/core/messaging/manager.ts';
import type { ServerConfig } from '../../electron/core/messaging/server-config.ts';
import { openStore, type Store } from '../../electron/core/store/store.ts';

export interface StationChildConfig {
  readonly server: Omit<ServerConfig, 'ca'> & { caFile: string };
  readonly username: string;
  readonly storeFile: string;
  readonly keyHex: string;
  readonly peer: string;
  /**
   * send: send `count` messages `prefix i`, `chunk` per turn of the event loop, forever waiting after.
   * send-die-in-commit: the same, but the commit of the group holding message `dieAt` kills the
   * process (SIGKILL) after a pause, as a crash while the disk is slow would: that message and its
   * group are on the wire, not committed.
   * receive: print what arrives. settle: wait until synced and the outbox is empty, print, exit.
   */
  readonly mode: 'send' | 'send-die-in-commit' | 'receive' | 'settle';
  readonly prefix?: string;
  readonly count?: number;
  readonly chunk?: number;
  readonly dieAt?: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as StationChildConfig;
const say = (line: string) => process.stdout.write(`${line}\n`);
const real = openStore({ file: config.storeFile, key: Buffer.from(config.keyHex, 'hex'), create: true });
let dieInNextCommit = false;
/** The index of the next message to send (so a group knows its first message). */
let nextIndex = 0;
const store: Store = new Proxy(real, {
  get(target, prop, receiver) {
    if (prop === 'openBatch') {
      return () => {
        const batch = real.openBatch();
        const first = nextIndex;
        return {
          commit() {
            if (dieInNextCommit) {
              // The disk stalls and the process dies before COMMIT: meanwhile the event loop runs on,
              // so what was written to the socket leaves it, and the server routes and archives it.
              say(`committing ${first}`);
              setTimeout(() => process.kill(process.pid, 'SIGKILL'), 1500);
              return new Promise<void>(() => {});
            }
            return batch.commit();
          },
          rollback: () => batch.rollback(),
        };
      };
    }
    return Reflect.get(target, prop, receiver) as unknown;
  },
});
const { caFile, ...server } = config.server;
const manager = createConnectionManager({
  server: { ...server, ca: fs.readFileSync(caFile, 'utf8') },
  credentials: { username: config.username, password: `pw-${config.username}`, resource: 'station' },
  log: silentLogger,
  backoffBaseMs: 50,
  backoffMaxMs: 500,
});
const engine = createMessagingEngine({ manager, store, log: silentLogger });
engine.onIncoming((m) => say(`shown ${m.body}`));
manager.start();
await manager.waitOnline(30_000);
await engine.whenSynced();
say('online');

const turn = () => new Promise((r) => setImmediate(r));
if (config.mode === 'send' || config.mode === 'send-die-in-commit') {
  const count = config.count ?? 100;
  const chunk = config.chunk ?? 10;
  for (let i = 0; i < count; i++) {
    if (config.mode === 'send-die-in-commit' && i === config.dieAt) dieInNextCommit = true;
    nextIndex = i;
    engine.send({ to: config.peer, body: `${config.prefix ?? 'm'} ${i}` });
    if ((i + 1) % chunk === 0) {
      say(`sent ${i + 1}`);
      // Dying: let each chunk's group commit before the next (so the dying group is one chunk).
      await (config.mode === 'send' ? turn() : new Promise((r) => setTimeout(r, 20)));
    }
  }
  say(`sent ${count}`);
} else if (config.mode === 'settle') {
  const deadline = Date.now() + 30_000;
  while (real.outboxSize() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const rows = everyMessage(real, config.peer);
  say(`settled ${JSON.stringify({ out: rows.filter((m) => m.direction === 'out').map((m) => m.body), in: rows.filter((m) => m.direction === 'in').map((m) => m.body), outbox: real.outboxSize() })}`);
  engine.dispose();
  await manager.stop();
  real.close();
  process.exit(0);
}

function everyMessage(s: Store, peer: string) {
  const conversation = s.findConversation('direct', peer);
  const out = [];
  let before: string | undefined;
  while (conversation !== null) {
    const page = s.messagesPage(conversation.id, { limit: 200, ...(before ? { before } : {}) });
    out.push(...page.messages);
    if (page.olderCursor === null || page.messages.length === 0) break;
    before = page.olderCursor;
  }
  return out;
}
