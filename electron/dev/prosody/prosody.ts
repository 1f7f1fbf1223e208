import fsp from 'node:fs/promises';
import path from 'node:path';
import { makeCertificates, type TestCertificates } from './certs.ts';
import { renderGroupsFile, renderProsodyConfig } from './config.ts';
import { freeLoopbackPorts } from './ports.ts';
import { readStreamFeatures, registerInBand } from './xmpp-wire.ts';
import { createServerHost, FIXTURE_DOMAIN, FIXTURE_HOST, fixtureBasics, PORT_ATTEMPTS, PortTakenError, registerAll, serverControls, type ServerProcess } from '../server-process.ts';
import type { XmppServerHandle, XmppServerOptions } from '../xmpp-server.ts';

export interface ProsodyOptions extends XmppServerOptions {
  /** Lua appended to the global section, after every fixture setting, so it can override any of them. */
  extraConfig?: string;
}

export interface ProsodyHandle extends XmppServerHandle {
  readonly kind: 'prosody';
}

const HOST = FIXTURE_HOST;
const DOMAIN = FIXTURE_DOMAIN;
const PLUGIN_DIR = path.join(import.meta.dirname, 'plugins');
const INSTALL_HINT = 'apt-get install -y prosody lua-dbi-sqlite3 lua-unbound openssl (or: npm run setup)';

export async function startProsody(options: ProsodyOptions = {}): Promise<ProsodyHandle> {
  const { mucDomain, uploadDomain, componentDomain, readyTimeoutMs } = fixtureBasics(options);
  const host = await createServerHost({ prefix: 'sealwire-prosody-', logFile: 'prosody.log', label: 'Prosody' });
  const { dir, logPath, logTail, fail } = host;
  let certs: TestCertificates;
  try {
    certs = await makeCertificates(path.join(dir, 'certs'), [DOMAIN, mucDomain, uploadDomain].filter((n) => n !== ''));
  } catch (err) {
    await host.removeDir();
    throw err;
  }
  const configPath = path.join(dir, 'prosody.cfg.lua');
  let ports = { c2s: 0, directTls: 0, https: 0, component: 0 };

  const waitReady = async (state: ServerProcess): Promise<void> => {
    const deadline = Date.now() + readyTimeoutMs;
    let exited = false;
    void state.exited.then(() => (exited = true));
    const portTaken = () => /Failed to open server port|Address already in use/i.test(logTail(400));
    for (;;) {
      // A port taken between choosing and binding: Prosody logs it and carries on without that listener.
      if (portTaken()) throw new PortTakenError(fail('Another process took one of the fixture ports.').message);
      if (exited) {
        if (state.notInstalled) throw new Error(`prosody is not installed. Install it with: ${INSTALL_HINT}`);
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

  const halt = (signal: NodeJS.Signals = 'SIGTERM') => host.halt(signal);

  const launch = async (): Promise<void> => {
    const state = host.spawn('prosody', ['--config', configPath, '-F']);
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
        component: options.component === undefined ? null : { domain: componentDomain, port: ports.component, secret: options.component.secret },
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
      const [c2s = 0, directTls = 0, https = 0, component = 0] = await freeLoopbackPorts(4);
      ports = { c2s, directTls, https, component: options.component === undefined ? 0 : component };
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
    await host.removeDir();
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
    ...serverControls(host, launch),
  };

  try {
    await registerAll(register, options.users ?? []);
  } catch (err) {
    await handle.stop();
    throw err;
  }
  return handle;
}
