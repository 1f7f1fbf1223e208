import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { silentLogger, type Logger } from '../../electron/core/log/logger.ts';
import type { ServerConfig } from '../../electron/core/messaging/server-config.ts';
import { createMessagingEngine, type MessagingEngine, type MessagingEngineOptions } from '../../electron/core/messaging/engine.ts';
import { createConnectionManager, type ConnectionManager } from '../../electron/core/messaging/manager.ts';
import { buildMamQuery, NS_MAM } from '../../node-shared/xmpp/stanzas.ts';
import { child, childText, NS_CLIENT, type XmlElement } from '../../node-shared/xmpp/xml.ts';
import { openStore, type Store, type StoredMessage } from '../../electron/core/store/store.ts';
import { startProsody, type ProsodyHandle, type ProsodyOptions } from '../../electron/dev/prosody/index.ts';
import type { XmppServerHandle } from '../../electron/dev/xmpp-server.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

/** Shared setup for the messaging integration tests: real Prosody, real encrypted stores. */
export interface Account {
  readonly jid: string;
  readonly store: Store;
  readonly manager: ConnectionManager;
  readonly engine: MessagingEngine;
  close(): Promise<void>;
}

/**
 * Prosody with its data on tmpfs when the machine has one: its SQLite archive commits every
 * message with fsync, which on a loaded disk caps it at a few dozen messages a second. Our own
 * stores stay on the disk.
 */
export async function startProsodyOnTmpfs(options: ProsodyOptions = {}): Promise<ProsodyHandle> {
  const saved = process.env.TMPDIR;
  if (fs.existsSync('/dev/shm')) process.env.TMPDIR = '/dev/shm';
  try {
    return await startProsody(options);
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
}

export const tempDir = () => makeTempDir('msg');

export const serverFor = (p: XmppServerHandle, overrides: Partial<ServerConfig> = {}): ServerConfig => ({
  domain: p.domain,
  host: p.host,
  port: p.c2sPort,
  mode: 'starttls',
  ca: p.caCertPem,
  timeoutMs: 5_000,
  ...overrides,
});

export interface AccountOptions {
  readonly dir: string;
  readonly username: string;
  readonly password?: string;
  readonly resource?: string;
  /** Reuse an existing store file (same key) to simulate the same device coming back. */
  readonly storeFile?: string;
  readonly key?: Buffer;
  readonly log?: Logger;
  readonly engine?: Partial<MessagingEngineOptions>;
  readonly server?: Partial<ServerConfig>;
  readonly start?: boolean;
  /** What the engine sees of the connection (tests spy on it); the account keeps the real one. */
  readonly wrapManager?: (manager: ConnectionManager) => ConnectionManager;
}

export async function openAccount(p: XmppServerHandle, o: AccountOptions): Promise<Account & { key: Buffer; storeFile: string }> {
  const key = o.key ?? randomBytes(32);
  const storeFile = o.storeFile ?? path.join(o.dir, `${o.username}-${randomUUID()}.db`);
  const store = openStore({ file: storeFile, key, create: true });
  const log = o.log ?? silentLogger;
  const manager = createConnectionManager({
    server: serverFor(p, o.server),
    credentials: { username: o.username, password: o.password ?? `pw-${o.username}`, resource: o.resource ?? randomUUID().slice(0, 8) },
    log,
    backoffBaseMs: 100,
    backoffMaxMs: 1_000,
  });
  const engine = createMessagingEngine({ manager: o.wrapManager?.(manager) ?? manager, store, log, ...o.engine });
  if (o.start !== false) {
    manager.start();
    await manager.waitOnline();
    await engine.whenSynced();
  }
  return {
    jid: `${o.username}@${p.domain}`,
    store,
    manager,
    engine,
    key,
    storeFile,
    async close() {
      engine.dispose();
      await manager.stop();
      store.close();
    },
  };
}

/** Every message of a conversation, oldest first (walks the store's pages). */
export function allMessages(store: Store, peerJid: string): StoredMessage[] {
  const conversation = store.findConversation('direct', peerJid);
  if (conversation === null) return [];
  // The first page is the newest; walk back through older pages, then put them oldest first.
  const pages: StoredMessage[][] = [];
  let before: string | undefined;
  for (;;) {
    const page = store.messagesPage(conversation.id, { limit: 200, ...(before ? { before } : {}) });
    pages.unshift(page.messages);
    if (page.olderCursor === null || page.messages.length === 0) break;
    before = page.olderCursor;
  }
  const out = pages.flat();
  return out;
}

export async function until(check: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Exactly once, in order: the bodies seen equal the bodies sent. */
export function bodies(store: Store, peerJid: string, direction?: 'in' | 'out'): string[] {
  return allMessages(store, peerJid)
    .filter((m) => direction === undefined || m.direction === direction)
    .map((m) => m.body);
}

/**
 * One Prosody with these accounts for a whole test file: started in beforeAll, every account
 * opened through it closed (and the server stopped, the folder removed) in afterAll.
 */
export function prosodyForFile(usernames: readonly string[], options: ProsodyOptions = {}) {
  let prosody: ProsodyHandle | undefined;
  let dir: string | undefined;
  const open = new Set<Account>();
  beforeAll(async () => {
    prosody = await startProsody({ users: usernames.map((u) => ({ username: u, password: `pw-${u}` })), ...options });
    dir = await tempDir();
  });
  afterAll(async () => {
    for (const a of open) await a.close().catch(() => {});
    await prosody?.stop();
    if (dir) await removeTempDir(dir);
  });
  return {
    get prosody(): ProsodyHandle {
      return prosody!;
    },
    async account(username: string, extra: Partial<AccountOptions> = {}): Promise<Account> {
      const a = await openAccount(prosody!, { dir: dir!, username, ...extra });
      open.add(a);
      return a;
    },
    /** Close an account now (a colleague going offline). */
    async close(a: Account): Promise<void> {
      open.delete(a);
      await a.close();
    },
    /** Run at the end of the file (listeners to unbind). */
    onClose(fn: () => void): void {
      open.add({ close: async () => fn() } as Account);
    },
  };
}

/**
 * Wait until the server's archive of this account holds every one of `wanted` (message bodies).
 * A server may acknowledge a stanza (SM) before its archive write lands (ejabberd does), so a
 * test that then syncs another device first waits for the archive itself.
 */
export async function untilArchived(manager: ConnectionManager, wanted: readonly string[], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let round = 0; ; round++) {
    const found = new Set<string>();
    const id = `archived-${round}-${randomUUID()}`;
    const done = new Promise<void>((resolve) => {
      const off = manager.onStanza((s: XmlElement) => {
        const forwarded = child(child(s, 'result', NS_MAM) ?? s, 'forwarded', 'urn:xmpp:forward:0');
        const message = forwarded === undefined ? undefined : child(forwarded, 'message', NS_CLIENT);
        const body = message === undefined ? undefined : childText(message, 'body', NS_CLIENT);
        if (body !== undefined) found.add(body);
        if (s.name === 'iq' && s.attrs.id === id) {
          off();
          resolve();
        }
      });
    });
    manager.send(buildMamQuery(id, id, null, 1000));
    await done;
    if (wanted.every((b) => found.has(b))) return;
    if (Date.now() > deadline) throw new Error('timed out waiting for the server archive');
    await new Promise((r) => setTimeout(r, 50));
  }
}
