/**
 * `npm run demo [-- --server ejabberd]`: a throwaway local Prosody (or ejabberd) with two demo staff accounts and two simulated clinic
 * workstations (the real core behind the development bridge), each opened in an ordinary browser.
 * Needs a working Secret Service; on a plain SSH session it re-runs itself inside a private D-Bus
 * session with an unlocked gnome-keyring and a temporary HOME, so the person's own keyring is untouched.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createKeytarKeychain } from '../core/keychain/keychain.ts';
import { writeDevXmppServer } from './prosody/index.ts';
import { devServerOf, parseServerKind, SERVER_KINDS, startXmppServer, type ServerKind, type XmppServerHandle } from './xmpp-server.ts';
import { startDemoPatients, type DemoPatients } from './patient-sinks/demo-patients.ts';
import { RENDERER_DIST, startWorkstation, type Workstation } from './workstation.ts';

const IN_SESSION = 'SEALWIRE_DEMO_IN_SESSION';
/** The throwaway HOME holding the private keyring; removed by whichever process stops last. */
const TEMP_HOME = 'SEALWIRE_DEMO_TEMP_HOME';
const KEYRING_SETUP = [
  'set -e',
  'mkdir -p "$HOME/.local/share/keyrings"',
  'printf "%s" "$SEALWIRE_DEMO_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null',
  'unset SEALWIRE_DEMO_KEYRING_PASSWORD',
  'exec "$@"',
].join('\n');

const STAFF = [
  { username: 'frontdesk', workstation: 'frontdesk-pc', name: 'Front desk' },
  { username: 'nurse', workstation: 'nurse-station', name: 'Nurse station' },
] as const;

function fatal(message: string): never {
  console.error(`\nSealwire demo: ${message}\n`);
  process.exit(1);
}

function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

async function keyringAnswers(): Promise<boolean> {
  // Without a session bus libsecret may autolaunch a stray dbus-daemon; do not even try.
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) return false;
  const probe = await createKeytarKeychain(`Sealwire-demo-probe-${randomUUID()}`, 3_000).probe();
  return probe.ok;
}

/** Re-runs this script inside `dbus-run-session` with an unlocked throwaway keyring. */
async function reexecInKeyringSession(): Promise<never> {
  const missing = ['dbus-run-session', 'gnome-keyring-daemon'].filter((c) => !hasCommand(c));
  if (missing.length > 0) {
    fatal(
      `no Secret Service is answering and ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not installed.\n` +
        'Install them with: apt-get install -y dbus gnome-keyring   (or: npm run setup)',
    );
  }
  const home = await fsp.mkdtemp(path.join(os.tmpdir(), 'sealwire-demo-home-'));
  console.log('No Secret Service answered; running the demo in a private D-Bus session with a throwaway keyring.');
  // Its own process group, so a signal reaches the demo itself and not only dbus-run-session.
  // stdin is a pipe: when this process dies, the demo sees end-of-file and shuts down.
  const child = spawn(
    'dbus-run-session',
    ['--', 'bash', '-c', KEYRING_SETUP, 'sealwire-demo', process.execPath, ...process.execArgv, ...process.argv.slice(1)],
    {
      stdio: ['pipe', 'inherit', 'pipe'],
      detached: true,
      env: {
        ...process.env,
        HOME: home,
        [IN_SESSION]: '1',
        [TEMP_HOME]: home,
        SEALWIRE_DEMO_KEYRING_PASSWORD: randomBytes(18).toString('base64url'),
      },
    },
  );
  // dbus-daemon complains that it may not raise its fd limit when not privileged; that is harmless.
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8').replace(/^.*Failed to set fd limit.*\n?/gm, '');
    if (text) process.stderr.write(text);
  });
  const forward = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  process.on('SIGINT', () => forward('SIGTERM'));
  process.on('SIGTERM', () => forward('SIGTERM'));
  process.on('SIGHUP', () => forward('SIGTERM'));
  const code = await new Promise<number>((resolve) => {
    child.once('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
    child.once('error', () => resolve(1));
  });
  fs.rmSync(home, { recursive: true, force: true });
  process.exit(code);
}

/** `--server prosody|ejabberd` (default prosody); anything else is a clear error. */
function serverKindFromArgs(argv: readonly string[]): ServerKind {
  const at = argv.findIndex((a) => a === '--server' || a.startsWith('--server='));
  if (at === -1) return 'prosody';
  const value = argv[at]!.includes('=') ? argv[at]!.split('=')[1] : argv[at + 1];
  const kind = parseServerKind(value);
  if (kind === null) fatal(`unknown --server ${JSON.stringify(value ?? '')}; choose one of: ${SERVER_KINDS.join(', ')}.`);
  return kind;
}

function password(): string {
  return `demo-${randomBytes(6).toString('base64url')}`;
}

async function runDemo(): Promise<void> {
  if (!fs.existsSync(path.join(RENDERER_DIST, 'index.html'))) {
    fatal('the renderer is not built. Run `npm run demo` (it builds first) or `npm run build:renderer`.');
  }
  const accounts = STAFF.map((s) => ({ ...s, password: password() }));
  const dirs: string[] = [];
  const services: string[] = [];
  const workstations: Workstation[] = [];
  const kind = serverKindFromArgs(process.argv.slice(2));
  let server: XmppServerHandle | null = null;
  let patients: DemoPatients | null = null;
  let stopping: Promise<void> | null = null;

  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      console.log('\nStopping the Sealwire demo…');
      await Promise.allSettled(workstations.map((w) => w.close()));
      await patients?.stop().catch(() => undefined);
      await server?.stop().catch(() => undefined);
      // Best effort: the private keyring, if any, disappears with its session anyway.
      await Promise.allSettled(
        services.map(async (service) => {
          const keychain = createKeytarKeychain(service, 2_000);
          for (const account of await keychain.accounts()) await keychain.delete(account);
        }),
      );
      for (const dir of dirs) await fsp.rm(dir, { recursive: true, force: true });
      const tempHome = process.env[TEMP_HOME];
      if (tempHome?.includes('sealwire-demo-home-')) await fsp.rm(tempHome, { recursive: true, force: true });
      console.log('Stopped; temporary data removed.');
    })());

  const exitAfterStop = () => void stop().finally(() => process.exit(0));
  process.on('SIGINT', exitAfterStop);
  process.on('SIGTERM', exitAfterStop);
  process.on('SIGHUP', exitAfterStop);
  if (process.env[IN_SESSION] === '1') {
    process.stdin.on('end', exitAfterStop);
    process.stdin.on('error', exitAfterStop);
    process.stdin.resume();
  }

  const componentSecret = randomBytes(18).toString('base64url');
  try {
    server = await startXmppServer(kind, {
      users: accounts.map(({ username, password }) => ({ username, password })),
      // The clinic's staff directory: both demo accounts see each other from the first sign-in.
      staffDirectory: { group: 'Clinic staff', members: accounts.map(({ username, name }) => ({ username, name })) },
      // The patient gateway's XEP-0114 component (patients.<domain>).
      component: { secret: componentSecret },
    });
    const { caCertPem: _pem, ...xmpp } = devServerOf(server);
    // Until workstation.ts takes the server as an option, workstations read it from SEALWIRE_DEV_XMPP.
    writeDevXmppServer(xmpp);

    for (const account of accounts) {
      const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), `sealwire-demo-${account.workstation}-`));
      dirs.push(dataDir);
      const keychainService = `Sealwire-demo-${account.workstation}-${randomUUID()}`;
      services.push(keychainService);
      workstations.push(await startWorkstation({ dataDir, keychainService, name: account.workstation }));
    }

    const urls = workstations.map((w) => w.bridge.url);
    const jid = (username: string) => `${username}@${xmpp.domain}`;
    // Both demo accounts are the front-desk team: patient conversations belong to them together.
    patients = await startDemoPatients({ server, secret: componentSecret, team: accounts.map((a) => jid(a.username)) });
    console.log(
      [
        '',
        'Sealwire demo — PHI-safe clinic messaging, running entirely on this machine.',
        'Two simulated workstations (each its own data folder and keychain entry, like two PCs) talk to',
        'a throwaway local XMPP server. Everything is deleted when you stop the demo. Use made-up data only.',
        '',
        ...accounts.map((a, i) => `  Workstation ${`"${a.workstation}":`.padEnd(17)} ${urls[i]}`),
        '',
        `  XMPP server (${kind}): ${xmpp.domain} at ${xmpp.host}:${xmpp.c2sPort} (STARTTLS), ${xmpp.directTlsPort} (direct TLS)`,
        `  Server CA (trusted only by the demo): ${xmpp.caCertPath}`,
        '  Demo staff accounts:',
        ...accounts.map((a) => `    ${jid(a.username).padEnd(20)} password: ${a.password}`),
        '',
        `  Patient phone (what patients would receive by text or e-mail): ${patients.phoneUrl}`,
        `  Patient page: ${patients.patientPageUrl} (the demo's own certificate: your browser will warn; it is ${patients.caCertPath})`,
        '',
        'Open each URL in a browser (the part after # is a one-time token for this run).',
        'Ctrl+C to stop.',
        '',
      ].join('\n'),
    );
    const ready = {
      urls,
      patientPhone: patients.phoneUrl,
      xmpp: { ...xmpp, kind, accounts: accounts.map((a) => ({ jid: jid(a.username), username: a.username, password: a.password })) },
    };
    console.log(`SEALWIRE_DEMO_READY ${JSON.stringify(ready)}`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    await stop();
    process.exit(1);
  }
}

if (process.env[IN_SESSION] !== '1' && !(await keyringAnswers())) await reexecInKeyringSession();
await runDemo();
