// The XMPP servers the messaging suites run against, one describe.each row per server: the same
// cases prove the client against Prosody (one site) and ejabberd (clinic groups, clusters).
import fs from 'node:fs';
import type { EjabberdOptions } from '../../electron/dev/ejabberd/index.ts';
import { startXmppServer, type ServerKind, type XmppServerHandle, type XmppServerOptions } from '../../electron/dev/xmpp-server.ts';

export interface ServerFixture {
  readonly name: string;
  readonly kind: ServerKind;
  /** Starts a fresh server of this kind (data on tmpfs where the machine has one). */
  start(options?: FixtureOptions): Promise<XmppServerHandle>;
}

export interface FixtureOptions extends XmppServerOptions {
  /** ejabberd only: offline messages kept per account before it bounces (Prosody has no such limit). */
  offlineLimit?: number;
}

/**
 * Server data on tmpfs: both servers fsync their archives on every message, which on a loaded
 * disk caps them at a few dozen messages a second. Our own stores stay on the disk.
 */
async function onTmpfs<T>(start: () => Promise<T>): Promise<T> {
  const saved = process.env.TMPDIR;
  if (fs.existsSync('/dev/shm')) process.env.TMPDIR = '/dev/shm';
  try {
    return await start();
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
}

export const SERVERS: readonly ServerFixture[] = [
  {
    name: 'Prosody',
    kind: 'prosody',
    start: ({ offlineLimit: _ignored, ...options } = {}) => onTmpfs(() => startXmppServer('prosody', options)),
  },
  {
    name: 'ejabberd',
    kind: 'ejabberd',
    start: (options: EjabberdOptions = {}) => onTmpfs(() => startXmppServer('ejabberd', options)),
  },
];
