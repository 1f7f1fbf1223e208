import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A port was taken between choosing it and the server binding it: choose again. */
export class PortTakenError extends Error {}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  /** The command was not found (the package is not installed). */
  notInstalled: boolean;
}

/** One fixture's temp folder and the server process running from it (Prosody or ejabberd). */
export interface ServerHost {
  readonly dir: string;
  readonly logPath: string;
  readonly running: ServerProcess | null;
  spawn(command: string, args: readonly string[], env?: NodeJS.ProcessEnv): ServerProcess;
  /** Stops the running server (SIGKILL after 5 s); keeps the folder. */
  halt(signal?: NodeJS.Signals): Promise<void>;
  /** The last lines of the server's log file and console output, for failure messages. */
  logTail(lines?: number): string;
  /** An error carrying the log tail. */
  fail(message: string): Error;
  /** Removes the temp folder (kept when SEALWIRE_KEEP_PROSODY=1). */
  removeDir(): Promise<void>;
}

/** Every live server child and temp folder of this process, so nothing outlives it. */
const live = new Set<ChildProcess>();
const liveDirs = new Set<string>();
let exitHookInstalled = false;
const keep = () => process.env.SEALWIRE_KEEP_PROSODY === '1';

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
    if (keep()) return;
    for (const dir of liveDirs) fs.rmSync(dir, { recursive: true, force: true });
  });
}

export async function createServerHost(o: { prefix: string; logFile: string; label: string }): Promise<ServerHost> {
  installExitHook();
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), o.prefix));
  liveDirs.add(dir);
  const logPath = path.join(dir, o.logFile);
  const consoleTail: string[] = [];
  let running: ServerProcess | null = null;

  const logTail = (lines = 40): string => {
    let log = '';
    try {
      log = fs.readFileSync(logPath, 'utf8');
    } catch {
      // no log yet
    }
    return [...log.split('\n').filter(Boolean).slice(-lines), ...consoleTail.slice(-10)].join('\n');
  };

  return {
    dir,
    logPath,
    get running() {
      return running;
    },
    spawn(command, args, env) {
      const child = spawn(command, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], ...(env ? { env } : {}) });
      const record = (chunk: Buffer) => {
        consoleTail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        consoleTail.splice(0, Math.max(0, consoleTail.length - 50));
      };
      child.stdout?.on('data', record);
      child.stderr?.on('data', record);
      live.add(child);
      const state: ServerProcess = {
        child,
        exitCode: null,
        exitSignal: null,
        notInstalled: false,
        exited: new Promise<void>((resolve) => {
          child.once('exit', (code, signal) => {
            state.exitCode = code;
            state.exitSignal = signal;
            live.delete(child);
            resolve();
          });
          child.once('error', (err: NodeJS.ErrnoException) => {
            state.notInstalled = err.code === 'ENOENT';
            consoleTail.push(`spawn ${command} failed: ${err.message}`);
            live.delete(child);
            resolve();
          });
        }),
      };
      running = state;
      return state;
    },
    async halt(signal = 'SIGTERM') {
      const state = running;
      running = null;
      if (state === null) return;
      if (state.child.exitCode === null && state.child.signalCode === null) {
        state.child.kill(signal);
        const timer = setTimeout(() => state.child.kill('SIGKILL'), 5_000);
        await state.exited;
        clearTimeout(timer);
      }
    },
    logTail,
    fail: (message) => new Error(`${message}\n--- ${o.label} output (${logPath}) ---\n${logTail()}\n---`),
    async removeDir() {
      liveDirs.delete(dir);
      if (!keep()) await fsp.rm(dir, { recursive: true, force: true });
    },
  };
}

/** A few account creations at a time: each is a TLS handshake plus a PBKDF2 on the server. */
export async function registerAll(
  register: (u: string, p: string) => Promise<void>,
  users: ReadonlyArray<{ username: string; password: string }>,
): Promise<void> {
  const queue = [...users];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await register(next.username, next.password);
  };
  await Promise.all(Array.from({ length: Math.min(4, queue.length) }, worker));
}

/** The lifecycle half of a fixture handle, the same for every server. */
export function serverControls(host: ServerHost, launch: () => Promise<void>) {
  return {
    async stop(): Promise<void> {
      await host.halt();
      await host.removeDir();
    },
    async restart(): Promise<void> {
      await host.halt();
      await launch();
    },
    halt: (): Promise<void> => host.halt(),
    kill: (): Promise<void> => host.halt('SIGKILL'),
    logTail: (lines?: number): string => host.logTail(lines),
  };
}

/** Every fixture serves `localhost` on loopback, with its components as subdomains. */
export const FIXTURE_HOST = '127.0.0.1';
export const FIXTURE_DOMAIN = 'localhost';
/** How often a fixture picks new ports after another process took one. */
export const PORT_ATTEMPTS = 5;

export function fixtureBasics(options: { mucDomain?: boolean; httpUpload?: boolean; readyTimeoutMs?: number; component?: { secret: string } }) {
  return {
    componentDomain: options.component === undefined ? '' : `patients.${FIXTURE_DOMAIN}`,
    mucDomain: options.mucDomain === false ? '' : `rooms.${FIXTURE_DOMAIN}`,
    uploadDomain: options.httpUpload === false ? '' : `upload.${FIXTURE_DOMAIN}`,
    readyTimeoutMs: options.readyTimeoutMs ?? (Number(process.env.SEALWIRE_PROSODY_READY_MS) || 20_000),
  };
}
