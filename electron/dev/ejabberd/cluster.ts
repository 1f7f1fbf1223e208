import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { makeCertificates } from '../prosody/certs.ts';
import { freeLoopbackPorts } from '../prosody/ports.ts';
import type { EjabberdSql } from './config.ts';
import { startEjabberd, type EjabberdHandle } from './ejabberd.ts';

const run = promisify(execFile);
const PG_BIN = '/usr/lib/postgresql/15/bin';
const EJABBERD_SQL_SCHEMA = '/usr/share/ejabberd/sql/pg.sql';
const INSTALL_HINT = 'apt-get install -y postgresql ejabberd erlang-p1-pgsql (or: npm run setup)';

/** A child process we started and must stop; killed with the process group on exit. */
function own(child: ChildProcess): ChildProcess {
  process.once('exit', () => child.kill('SIGKILL'));
  return child;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} was not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Postgres {
  readonly sql: EjabberdSql;
  stop(): Promise<void>;
}

/**
 * A throwaway PostgreSQL (Debian's) in `dir` on a free loopback port, with ejabberd's schema
 * loaded. PostgreSQL refuses to run as root, so as root it runs as the `postgres` system user.
 */
export async function startPostgres(dir: string): Promise<Postgres> {
  if (!fs.existsSync(path.join(PG_BIN, 'postgres'))) throw new Error(`PostgreSQL 15 is not installed. Install it with: ${INSTALL_HINT}`);
  const asRoot = process.getuid?.() === 0;
  const asPg = (cmd: string, args: string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]);
  const data = path.join(dir, 'pgdata');
  await fsp.mkdir(data, { mode: 0o700 });
  if (asRoot) await run('chown', ['-R', 'postgres:postgres', dir]);
  const username = 'ejabberd';
  const password = randomBytes(12).toString('hex');
  const pwFile = path.join(dir, 'pgpass.txt');
  await fsp.writeFile(pwFile, password, { mode: 0o600 });
  if (asRoot) await run('chown', ['postgres:postgres', pwFile]);
  const [initCmd, initArgs] = asPg(path.join(PG_BIN, 'initdb'), ['-D', data, '-U', username, '--pwfile', pwFile, '-A', 'scram-sha-256', '--no-sync', '-E', 'UTF8']);
  await run(initCmd, initArgs, { timeout: 60_000 });
  const [port = 0] = await freeLoopbackPorts(1);
  const [pgCmd, pgArgs] = asPg(path.join(PG_BIN, 'postgres'), ['-D', data, '-h', '127.0.0.1', '-p', String(port), '-k', dir, '-c', 'max_connections=50']);
  const log: string[] = [];
  const child = own(spawn(pgCmd, pgArgs, { stdio: ['ignore', 'pipe', 'pipe'] }));
  child.stderr?.on('data', (c: Buffer) => log.push(c.toString('utf8')));
  const env = { ...process.env, PGPASSWORD: password };
  const psql = (args: string[]) => run('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', username, '-v', 'ON_ERROR_STOP=1', '-q', ...args], { env, timeout: 60_000 });
  try {
    await waitFor('PostgreSQL', async () => {
      if (child.exitCode !== null) throw new Error(`PostgreSQL exited: ${log.join('').slice(-2000)}`);
      return psql(['-d', 'postgres', '-c', 'SELECT 1']).then(() => true, () => false);
    }, 30_000);
    await psql(['-d', 'postgres', '-c', 'CREATE DATABASE ejabberd']);
    await psql(['-d', 'ejabberd', '-f', EJABBERD_SQL_SCHEMA]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    sql: { host: '127.0.0.1', port, database: 'ejabberd', username, password },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT'); // fast shutdown
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface EjabberdCluster {
  readonly nodes: EjabberdHandle[];
  /** The nodes every running node sees, as ejabberd reports them. */
  members(via: EjabberdHandle): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * `count` ejabberd nodes on loopback, clustered by Erlang distribution through a private epmd
 * (its own port, so nothing collides with a system ejabberd), everything stored in `sql`, one
 * certificate for all. Node 1 starts; the others join it (ejabberdctl join_cluster).
 */
export async function startEjabberdCluster(count: number, sql: EjabberdSql, dir: string): Promise<EjabberdCluster> {
  const [epmdPort = 0, ...distPorts] = await freeLoopbackPorts(count + 1);
  const epmd = own(spawn('epmd', ['-port', String(epmdPort), '-address', '127.0.0.1'], { stdio: 'ignore' }));
  const certs = await makeCertificates(path.join(dir, 'certs'), ['localhost', 'rooms.localhost']);
  const cookie = randomBytes(16).toString('hex');
  const tag = `${process.pid}x${randomBytes(3).toString('hex')}`;
  const nodes: EjabberdHandle[] = [];
  const stop = async () => {
    await Promise.allSettled(nodes.map((n) => n.stop()));
    epmd.kill('SIGKILL');
  };
  try {
    for (let i = 0; i < count; i += 1) {
      const node = await startEjabberd({
        sql,
        certificates: certs,
        httpUpload: false,
        cluster: { epmdPort, distPort: distPorts[i]!, cookie, nodeName: `sealwire-node${i + 1}-${tag}` },
        readyTimeoutMs: 60_000,
      });
      nodes.push(node);
      if (i > 0) {
        const answer = await node.rpc('ejabberd_admin', 'join_cluster', `[<<"${nodes[0]!.node}">>]`);
        if (!/^\{?ok/.test(answer)) throw new Error(`join_cluster failed on ${node.node}: ${answer}`);
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    nodes,
    async members(via) {
      const answer = await via.rpc('ejabberd_cluster', 'get_nodes', '[]');
      return [...answer.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
    },
    stop,
  };
}
