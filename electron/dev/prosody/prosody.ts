import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { makeCertificates, type TestCertificates } from './certs.ts';
import { renderGroupsFile, renderProsodyConfig } from './config.ts';
import { freeLoopbackPorts } from './ports.ts';
import { readStreamFeatures, registerInBand } from './xmpp-wire.ts';
import type { XmppServerHandle, XmppServerOptions } from '../xmpp-server.ts';

export interface ProsodyOptions extends XmppServerOptions {
  /** Lua appended to the global section, after every fixture setting, so it can override any of them. */
  extraConfig?: string;
}

export interface ProsodyHandle extends XmppServerHandle {
  readonly kind: 'prosody';
}

const HOST = '127.0.0.1';
const DOMAIN = 'localhost';
const PLUGIN_DIR = path.join(import.meta.dirname, 'plugins');
const INSTALL_HINT = 'apt-get install -y prosody lua-dbi-sqlite3 lua-unbound openssl (or: npm run setup)';
const PORT_ATTEMPTS = 5;

/** Every live Prosody child and temp folder of this process, so nothing outlives it. */
const live = new Map<ChildProcess, string>();
const liveDirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live.keys()) child.kill('SIGKILL');
    if (process.env.SEALWIRE_KEEP_PROSODY === '1') return;
    for (const dir of liveDirs) fs.rmSync(dir, { recursive: true, force: true });
  });
}

class PortTakenError extends Error {}

interface Running {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
}

export async function startProsody(options: ProsodyOptions = {}): Promise<ProsodyHandle> {
  installExitHook();
  const readyTimeoutMs = options.readyTimeoutMs ?? (Number(process.env.SEALWIRE_PROSODY_READY_MS) || 20_000);
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'sealwire-prosody-'));
  liveDirs.add(dir);
  const mucDomain = options.mucDomain === false ? '' : `rooms.${DOMAIN}`;
  const uploadDomain = options.httpUpload === false ? '' : `upload.${DOMAIN}`;
  let certs: TestCertificates;
  try {
    certs = await makeCertificates(path.join(dir, 'certs'), [DOMAIN, mucDomain, uploadDomain].filter((n) => n !== ''));
  } catch (err) {
    liveDirs.delete(dir);
    await fsp.rm(dir, { recursive: true, force: true });
    throw err;
  }
  const configPath = path.join(dir, 'prosody.cfg.lua');
  const logPath = path.join(dir, 'prosody.log');
  const consoleTail: string[] = [];
  let running: Running | null = null;
  let ports = { c2s: 0, directTls: 0, https: 0 };

  const cleanupDir = async () => {
    liveDirs.delete(dir);
    if (process.env.SEALWIRE_KEEP_PROSODY !== '1') await fsp.rm(dir, { recursive: true, force: true });
  };

  const logTail = (lines = 40): string => {
    let log = '';
    try {
      log = fs.readFileSync(logPath, 'utf8');
    } catch {
      // no log yet
    }
    return [...log.split('\n').filter(Boolean).slice(-lines), ...consoleTail.slice(-10)].join('\n');
  };

  const spawnProsody = (): Running => {
    const child = spawn('prosody', ['--config', configPath, '-F'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const record = (chunk: Buffer) => {
      consoleTail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      consoleTail.splice(0, Math.max(0, consoleTail.length - 50));
    };
    child.stdout?.on('data', record);
    child.stderr?.on('data', record);
    live.set(child, dir);
    const state: Running = {
      child,
      exitCode: null,
      exitSignal: null,
      exited: new Promise<void>((resolve) => {
        child.once('exit', (code, signal) => {
          state.exitCode = code;
          state.exitSignal = signal;
          live.delete(child);
          resolve();
        });
        child.once('error', (err: NodeJS.ErrnoException) => {
          consoleTail.push(
            err.code === 'ENOENT' ? `prosody is not installed. Install it with: ${INSTALL_HINT}` : `spawn failed: ${err.message}`,
          );
          live.delete(child);
          resolve();
        });
      }),
    };
    return state;
  };

  const fail = (message: string): Error =>
    new Error(`${message}\n--- Prosody output (${logPath}) ---\n${logTail()}\n---`);

  const waitReady = async (state: Running): Promise<void> => {
    const deadline = Date.now() + readyTimeoutMs;
    let exited = false;
    void state.exited.then(() => (exited = true));
    const portTaken = () => /Failed to open server port|Address already in use/i.test(logTail(400));
    for (;;) {
      // A port taken between choosing and binding: Prosody logs it and carries on without that listener.
      if (portTaken()) throw new PortTakenError(fail('Another process took one of the fixture ports.').message);
      if (exited) {
        if (consoleTail.some((l) => l.includes('is not installed'))) throw new Error(`prosody is not installed. Install it with: ${INSTALL_HINT}`);
        throw fail(`Prosody exited during startup (code ${state.exitCode}, signal ${state.exitSignal}).`);
      }
      try {
        // Any features will do: tests may deliberately configure a server without STARTTLS.
        await readStreamFeatures({ host: HOST, port: ports.c2s, domain: DOMAIN, timeoutMs: 2_000 });
        break;
      } catch {
        if (Date.now() > deadline) throw fail(`Prosody was not ready within ${readyTimeoutMs} ms.`);
        await new Promise((r) => setTimeout(r, 40));
      }
    }
    if (portTaken()) throw new PortTakenError(fail('Another process took one of the fixture ports.').message);
    const log = logTail(400);
    if (/DBI|SQLite3/.test(log) && /error/i.test(log) && /not found|Unable to load/i.test(log)) {
      throw fail(`Prosody cannot load its SQLite driver. Install it with: ${INSTALL_HINT}`);
    }
    // Direct TLS with only our CA trusted: proves the certificate and the second listener.
    await readStreamFeatures({ host: HOST, port: ports.directTls, domain: DOMAIN, ca: certs.caCertPem, timeoutMs: 5_000 });
  };

  const halt = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    const state = running;
    running = null;
    if (state === null) return;
    if (state.child.exitCode === null && state.child.signalCode === null) {
      state.child.kill(signal);
      const timer = setTimeout(() => state.child.kill('SIGKILL'), 5_000);
      await state.exited;
      clearTimeout(timer);
    }
  };

  const launch = async (): Promise<void> => {
    const state = spawnProsody();
    running = state;
    try {
      await waitReady(state);
    } catch (err) {
      await halt('SIGKILL');
      throw err;
    }
  };

  const groupsPath = path.join(dir, 'groups.txt');
  const writeConfig = (): Promise<void> =>
    fsp.writeFile(
      configPath,
      renderProsodyConfig({
        domain: DOMAIN,
        mucDomain: mucDomain || null,
        uploadDomain: uploadDomain || null,
        dataDir: path.join(dir, 'data'),
        pidFile: path.join(dir, 'prosody.pid'),
        logFile: logPath,
        logLevel: process.env.SEALWIRE_PROSODY_LOG === 'debug' ? 'debug' : 'info',
        certPath: certs.certPath,
        keyPath: certs.keyPath,
        certsDir: path.join(dir, 'certs'),
        pluginDir: PLUGIN_DIR,
        parentPid: process.pid,
        c2sPort: ports.c2s,
        directTlsPort: ports.directTls,
        httpsPort: ports.https,
        admins: options.admins ?? [],
        runAsRoot: true,
        groupsFile: options.staffDirectory === undefined ? null : groupsPath,
        extraConfig: options.extraConfig ?? '',
      }),
      { mode: 0o600 },
    );

  try {
    await fsp.mkdir(path.join(dir, 'data'), { mode: 0o700 });
    if (options.staffDirectory !== undefined) {
      const { group, members } = options.staffDirectory;
      await fsp.writeFile(groupsPath, renderGroupsFile(group, members.map((m) => ({ jid: `${m.username}@${DOMAIN}`, name: m.name }))), { mode: 0o644 });
    }
    for (let attempt = 1; ; attempt += 1) {
      const [c2s = 0, directTls = 0, https = 0] = await freeLoopbackPorts(3);
      ports = { c2s, directTls, https };
      await writeConfig();
      try {
        await launch();
        break;
      } catch (err) {
        if (!(err instanceof PortTakenError) || attempt >= PORT_ATTEMPTS) throw err;
        await fsp.rm(logPath, { force: true });
      }
    }
  } catch (err) {
    await halt('SIGKILL');
    await cleanupDir();
    throw err;
  }

  const register = (username: string, password: string): Promise<void> =>
    registerInBand({ host: HOST, port: ports.directTls, domain: DOMAIN, ca: certs.caCertPem }, username, password);

  const handle: ProsodyHandle = {
    kind: 'prosody',
    domain: DOMAIN,
    host: HOST,
    c2sPort: ports.c2s,
    directTlsPort: ports.directTls,
    httpsPort: ports.https,
    mucDomain,
    uploadDomain,
    caCertPem: certs.caCertPem,
    caCertPath: certs.caCertPath,
    dataDir: dir,
    configPath,
    logPath,
    get pid() {
      return running?.child.pid ?? null;
    },
    register,
    async stop() {
      await halt();
      await cleanupDir();
    },
    async restart() {
      await halt();
      await launch();
    },
    halt: () => halt(),
    kill: () => halt('SIGKILL'),
    logTail,
  };

  try {
    await registerAll(register, options.users ?? []);
  } catch (err) {
    await handle.stop();
    throw err;
  }
  return handle;
}

/** A few registrations at a time: each is a TLS handshake plus a PBKDF2 on the server. */
async function registerAll(
  register: (u: string, p: string) => Promise<void>,
  users: ReadonlyArray<{ username: string; password: string }>,
): Promise<void> {
  const queue = [...users];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await register(next.username, next.password);
  };
  await Promise.all(Array.from({ length: Math.min(4, queue.length) }, worker));
}
