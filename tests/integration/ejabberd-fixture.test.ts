import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEjabberd, type EjabberdHandle } from '../../electron/dev/ejabberd/index.ts';
import { checkPasswordOverTls, readFeaturesAroundStartTls } from '../support/prosody.ts';
import { until } from './messaging-support.ts';
import { alive } from '../support/processes.ts';

const USERS = [
  { username: 'alice', password: 'alice-Pw-1' },
  { username: 'bob', password: 'bob-Pw-2' },
];

describe('ejabberd fixture', () => {
  let server: EjabberdHandle;
  let startMs = 0;

  beforeAll(async () => {
    const t0 = Date.now();
    server = await startEjabberd({ users: USERS, offlineLimit: 42 });
    startMs = Date.now() - t0;
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('starts a foreground node with its own distribution port and no epmd, quickly', async () => {
    console.log(`ejabberd fixture ready in ${startMs} ms (certificates, boot, two accounts)`);
    expect(startMs).toBeLessThan(15_000);
    expect(server.node).toMatch(/^sealwire\d+x[0-9a-f]+@127\.0\.0\.1$/);
    expect(await server.rpc('ejabberd_cluster', 'get_nodes', '[]')).toBe(`['${server.node}']`);
  });

  it('requires STARTTLS, offers SASL only after it, SCRAM-SHA-256 among the mechanisms', async () => {
    const { before, after, authorized } = await readFeaturesAroundStartTls({ host: server.host, port: server.c2sPort, domain: server.domain, ca: server.caCertPem });
    expect(before).toMatch(/<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required\/><\/starttls>/);
    expect(before).not.toContain('<mechanisms');
    expect(authorized).toBe(true);
    expect(after).toContain('<mechanism>SCRAM-SHA-256</mechanism>');
  });

  it('registered the users, refuses wrong passwords and duplicate accounts', async () => {
    const direct = { host: server.host, port: server.directTlsPort, domain: server.domain, ca: server.caCertPem };
    expect(await checkPasswordOverTls(direct, 'alice', 'alice-Pw-1')).toBe(true);
    expect(await checkPasswordOverTls(direct, 'alice', 'bob-Pw-2')).toBe(false);
    await expect(server.register('alice', 'other')).rejects.toThrow(/already registered|exists|conflict/i);
  });

  it('archives by default, keeps an explicit offline limit, stores accounts as SCRAM-SHA-256 hashes', () => {
    const config = fs.readFileSync(server.configPath, 'utf8');
    expect(config).toMatch(/mod_mam:\n\s+default: always/);
    expect(config).toMatch(/max_user_offline_messages: 42/);
    expect(config).toMatch(/auth_password_format: scram\n/);
    expect(config).toMatch(/auth_scram_hash: sha256\n/);
  });

  it('halts by itself and removes its temp folder when the process that started it is killed', async () => {
    const script = `import { startEjabberd } from ${JSON.stringify(path.resolve(import.meta.dirname, '../../electron/dev/ejabberd/index.ts'))};
const s = await startEjabberd({ mucDomain: false, httpUpload: false });
console.log('PID ' + s.pid + ' DIR ' + s.dataDir);
setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    await until(() => /PID \d+/.test(out), 20_000, 'child fixture');
    const [, pidText, dataDir] = /PID (\d+) DIR (\S+)/.exec(out)!;
    const pid = Number(pidText);
    expect(alive(pid)).toBe(true);
    child.kill('SIGKILL');
    await until(() => !alive(pid) && !fs.existsSync(dataDir!), 10_000, 'ejabberd and its temp folder gone after its parent');
  });
});
