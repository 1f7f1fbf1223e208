import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import { promisify } from 'node:util';
import { makeCertificates, type TestCertificates } from '../prosody/certs.ts';
import { freeLoopbackPorts } from '../prosody/ports.ts';
import { readStreamFeatures } from '../prosody/xmpp-wire.ts';
import { createServerHost, FIXTURE_DOMAIN, FIXTURE_HOST, fixtureBasics, PORT_ATTEMPTS, PortTakenError, registerAll, serverControls, type ServerProcess } from '../server-process.ts';
import type { XmppServerHandle, XmppServerOptions } from '../xmpp-server.ts';
import { renderEjabberdConfig, type EjabberdSql } from './config.ts';

const run = promisify(execFile);

export interface EjabberdOptions extends XmppServerOptions {
  /** Offline messages kept per account before the server bounces with resource-constraint (default 100, Debian's). */
  offlineLimit?: number;
  /** Settings merged over the fixture's ejabberd.yml (`modules` merged per module). */
  extraConfig?: Record<string, unknown>;
  /** Keep everything in PostgreSQL instead of Mnesia (the cluster check). */
  sql?: EjabberdSql;
  /**
   * Erlang distribution through a private epmd on this loopback port, with the node listening on
   * `distPort` (a cluster needs it: every node must find the others). Without it the node has its
   * own distribution port and no epmd at all.
   */
  cluster?: { epmdPort: number; distPort: number; cookie: string; nodeName: string };
  /** One certificate for every node of a cluster (clients trust one CA); default: a fresh throwaway CA. */
  certificates?: TestCertificates;
}

export interface EjabberdHandle extends XmppServerHandle {
  readonly kind: 'ejabberd';
  /** The Erlang node name (name@127.0.0.1). */
  readonly node: string;
  /** Calls an ejabberd command through the loopback HTTP API (mod_http_api). */
  api(command: string, args: Record<string, unknown>): Promise<unknown>;
  /** Runs `Module:Function(Args)` on the node from a hidden control node; `args` is Erlang source. */
  rpc(module: string, fn: string, args: string): Promise<string>;
}

const HOST = FIXTURE_HOST;
const DOMAIN = FIXTURE_DOMAIN;
const INSTALL_HINT = 'apt-get install -y ejabberd erlang-p1-sqlite3 erlang-p1-pgsql (or: npm run setup)';
const ERL_LIBS = '/usr/lib/x86_64-linux-gnu';

/**
 * A foreground ejabberd node from a config in a temp folder, on free loopback ports, with a
 * throwaway CA. Boots in under a second here. When this process dies, the node notices (it polls
 * our pid) and halts, so no server outlives a crashed test run.
 */
export async function startEjabberd(options: EjabberdOptions = {}): Promise<EjabberdHandle> {
  const { mucDomain, uploadDomain, componentDomain, readyTimeoutMs } = fixtureBasics(options);
  const host = await createServerHost({ prefix: 'sealwire-ejabberd-', logFile: 'ejabberd.log', label: 'ejabberd' });
  const { dir, logPath, logTail, fail } = host;
  const nodeName = options.cluster?.nodeName ?? `sealwire${process.pid}x${randomBytes(4).toString('hex')}`;
  const node = `${nodeName}@${HOST}`;
  const cookie = options.cluster?.cookie ?? randomBytes(16).toString('hex');
  const configPath = path.join(dir, 'ejabberd.yml');
  let ports = { c2s: 0, directTls: 0, https: 0, dist: 0, component: 0 };

  let certs: TestCertificates;
  try {
    certs = options.certificates ?? (await makeCertificates(path.join(dir, 'certs'), [DOMAIN, mucDomain, uploadDomain].filter((n) => n !== '')));
    await fsp.mkdir(path.join(dir, 'upload'), { mode: 0o700 });
    await fsp.writeFile(path.join(dir, '.erlang.cookie'), cookie, { mode: 0o400 });
  } catch (err) {
    await host.removeDir();
    throw err;
  }

  /** Erlang distribution: a private epmd for a cluster, otherwise a fixed port and no epmd at all. */
  const distArgs = (listen: boolean): string[] =>
    options.cluster
      ? ['-start_epmd', 'false', ...(listen ? ['-kernel', 'inet_dist_listen_min', String(ports.dist), 'inet_dist_listen_max', String(ports.dist)] : [])]
      : ['-start_epmd', 'false', '-erl_epmd_port', String(ports.dist), ...(listen ? [] : ['-dist_listen', 'false'])];
  const erlEnv = (): NodeJS.ProcessEnv => ({
    ...process.env,
    HOME: dir,
    ERL_LIBS,
    EJABBERD_CONFIG_PATH: configPath,
    EJABBERD_LOG_PATH: logPath,
    ERL_CRASH_DUMP: path.join(dir, 'erl_crash.dump'),
    ...(options.cluster ? { ERL_EPMD_PORT: String(options.cluster.epmdPort) } : {}),
  });

  const spawnNode = () => {
    // Halts the node, and removes its temp folder, when the process that started it is gone (a
    // crashed or killed test run cannot run its own exit hook).
    const removeDir = process.env.SEALWIRE_KEEP_PROSODY === '1' ? '' : `os:cmd("rm -rf '${dir}'"), `;
    const watchdog =
      `spawn(fun() -> W = fun Loop() -> timer:sleep(1000), case os:cmd("kill -0 ${process.pid} 2>/dev/null && echo up") of ` +
      `"up\\n" -> Loop(); _ -> ${removeDir}erlang:halt(0) end end, W() end).`;
    const args = [
      '-name', node, ...distArgs(true), '-kernel', 'inet_dist_use_interface', '{127,0,0,1}',
      '-noinput', '-mnesia', 'dir', JSON.stringify(path.join(dir, 'mnesia')), '-s', 'ejabberd', '-eval', watchdog,
    ];
    return host.spawn('erl', args, erlEnv());
  };

  const halt = (signal: NodeJS.Signals = 'SIGTERM') => host.halt(signal);

  const waitReady = async (state: ServerProcess): Promise<void> => {
    const deadline = Date.now() + readyTimeoutMs;
    let gone = false;
    void state.exited.then(() => (gone = true));
    for (;;) {
      const log = logTail(400);
      if (/eaddrinuse|address already in use/i.test(log)) throw new PortTakenError(fail('Another process took one of the fixture ports.').message);
      if (/\[critical\]/.test(log)) throw fail('ejabberd refused to start.');
      if (gone) {
        if (state.notInstalled || !fs.readdirSync(ERL_LIBS).some((d) => d.startsWith('ejabberd-'))) {
          throw new Error(`ejabberd is not installed. Install it with: ${INSTALL_HINT}`);
        }
        throw fail('ejabberd exited during startup.');
      }
      if (/is started in the node/.test(log)) {
        try {
          await readStreamFeatures({ host: HOST, port: ports.c2s, domain: DOMAIN, timeoutMs: 2_000 });
          break;
        } catch {
          // listeners not accepting yet
        }
      }
      if (Date.now() > deadline) throw fail(`ejabberd was not ready within ${readyTimeoutMs} ms.`);
      await new Promise((r) => setTimeout(r, 40));
    }
    await readStreamFeatures({ host: HOST, port: ports.directTls, domain: DOMAIN, ca: certs.caCertPem, timeoutMs: 5_000 });
  };

  const launch = async (): Promise<void> => {
    await fsp.rm(logPath, { force: true });
    const state = spawnNode();
    try {
      await waitReady(state);
    } catch (err) {
      await halt('SIGKILL');
      throw err;
    }
  };

  const writeConfig = () =>
    fsp.writeFile(
      configPath,
      renderEjabberdConfig({
        domain: DOMAIN,
        mucDomain: mucDomain || null,
        uploadDomain: uploadDomain || null,
        certPath: certs.certPath,
        keyPath: certs.keyPath,
        caCertPath: certs.caCertPath,
        c2sPort: ports.c2s,
        directTlsPort: ports.directTls,
        httpsPort: ports.https,
        uploadDir: path.join(dir, 'upload'),
        admins: options.admins ?? [],
        offlineLimit: options.offlineLimit ?? 100,
        logLevel: process.env.SEALWIRE_PROSODY_LOG === 'debug' ? 'debug' : 'info',
        storage: options.sql ? { pgsql: options.sql } : { sqliteFile: path.join(dir, 'ejabberd.sqlite') },
        extra: options.extraConfig ?? {},
        component: options.component === undefined ? null : { domain: componentDomain, port: ports.component, secret: options.component.secret },
      }),
      { mode: 0o600 },
    );

  try {
    for (let attempt = 1; ; attempt += 1) {
      const [c2s = 0, directTls = 0, httpsPort = 0, dist = 0, component = 0] = await freeLoopbackPorts(5);
      ports = { c2s, directTls, https: httpsPort, dist: options.cluster?.distPort ?? dist, component: options.component === undefined ? 0 : component };
      await writeConfig();
      try {
        await launch();
        break;
      } catch (err) {
        if (!(err instanceof PortTakenError) || attempt >= PORT_ATTEMPTS) throw err;
      }
    }
  } catch (err) {
    await halt('SIGKILL');
    await host.removeDir();
    throw err;
  }

  const api = (command: string, args: Record<string, unknown>): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify(args);
      const req = https.request(
        {
          host: HOST,
          port: ports.https,
          servername: DOMAIN,
          ca: certs.caCertPem,
          method: 'POST',
          path: `/api/${command}`,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          timeout: 10_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let value: unknown = text;
            try {
              value = JSON.parse(text);
            } catch {
              // plain text answer
            }
            if (res.statusCode !== 200) reject(new Error(`ejabberd ${command} failed (${res.statusCode}): ${text}`));
            else resolve(value);
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`ejabberd ${command} timed out`)));
      req.on('error', reject);
      req.end(body);
    });

  const rpc = async (module: string, fn: string, args: string): Promise<string> => {
    const ctl = `ctl${randomBytes(4).toString('hex')}@${HOST}`;
    const expr = `R = rpc:call('${node}', ${module}, ${fn}, ${args}, 60000), io:format("~p~n", [R]), halt().`;
    const { stdout } = await run('erl', ['-name', ctl, '-hidden', '-noshell', ...distArgs(false), '-eval', expr], { env: erlEnv(), timeout: 90_000 });
    return stdout.trim();
  };

  const register = async (username: string, password: string): Promise<void> => {
    await api('register', { user: username, host: DOMAIN, password });
  };

  const handle: EjabberdHandle = {
    kind: 'ejabberd',
    domain: DOMAIN,
    host: HOST,
    node,
    c2sPort: ports.c2s,
    directTlsPort: ports.directTls,
    httpsPort: ports.https,
    mucDomain,
    uploadDomain,
    componentDomain,
    componentPort: ports.component,
    caCertPem: certs.caCertPem,
    caCertPath: certs.caCertPath,
    dataDir: dir,
    configPath,
    logPath,
    get pid() {
      return host.running?.child.pid ?? null;
    },
    register,
    api,
    rpc,
    ...serverControls(host, launch),
  };

  try {
    await registerAll(register, options.users ?? []);
    if (options.staffDirectory !== undefined) await provisionDirectory(handle, options.staffDirectory);
  } catch (err) {
    await handle.stop();
    throw err;
  }
  return handle;
}

/** A shared roster group every member sees, with each member's name from their vCard (FN). */
async function provisionDirectory(server: EjabberdHandle, directory: NonNullable<XmppServerOptions['staffDirectory']>): Promise<void> {
  const group = 'staff';
  await server.api('srg_create', { group, host: DOMAIN, label: directory.group, description: '', display: group });
  for (const m of directory.members) {
    await server.api('set_vcard', { user: m.username, host: DOMAIN, name: 'FN', content: m.name });
    await server.api('srg_user_add', { user: m.username, host: DOMAIN, group, grouphost: DOMAIN });
  }
}
