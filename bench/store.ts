/**
 * npm run bench:store — the encrypted store's figures (issue 3). Prints one JSON object as the
 * last line. Options: --fresh (rebuild the cached 1M-message store), --clean (delete the cache),
 * --inserts-only (just the plain/encrypted insert comparison).
 *
 * The 1,000,000-message store takes about a minute to build, so it is cached under the OS temp
 * folder, keyed by a hash of the schema and generator; a cached file is reused only if it opens.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_SCRYPT, scryptKey } from '../electron/core/vault/kdf.ts';
import { openPlainStoreForBenchmark } from '../electron/core/store/open.ts';
import { PAGE_FORMAT } from '../electron/core/sqlite/encrypted-db.ts';
import { openStore, type NewMessage, type Store } from '../electron/core/store/store.ts';
import { toLegacySqlcipher } from './store-legacy.ts';
import { rng, sentence, SPAN, START } from './store-generate-child.ts';

const here = import.meta.dirname;
const MESSAGES = 1_000_000;
const CONVERSATIONS = 500;
const args = new Set(process.argv.slice(2));
const log = (msg: string) => process.stderr.write(`[bench:store] ${msg}\n`);

function runChild(script: string, argv: string[]): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(here, script), ...argv], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) reject(new Error(`${script} exited with ${code}`));
      else resolve(JSON.parse(last) as Record<string, number>);
    });
  });
}

/**
 * The insert workload: MAM-sized batches (100 messages per transaction, synchronous=FULL), each
 * batch spread over `spread` conversations (a user-archive page mixes conversations).
 */
function insertRate(store: Store, total: number, spread: number): number {
  const rand = rng(9);
  const convs = Array.from({ length: spread }, (_, i) => store.ensureConversation({ kind: 'direct', jid: `peer${i}@clinic.test` }).id);
  const t0 = performance.now();
  for (let i = 0; i < total; i += 100) {
    const batch: NewMessage[] = [];
    for (let j = i; j < i + 100; j++) {
      batch.push({
        clientId: `w${j}`,
        serverId: `sv${j}`,
        conversationId: convs[j % convs.length] as number,
        senderJid: 'peer@clinic.test',
        body: sentence(rand),
        sentAt: START + j * 1000,
        direction: 'in',
      });
    }
    store.insertMessages(batch);
  }
  return total / ((performance.now() - t0) / 1000);
}

/** Arrival path: one message, one transaction (fsync each). */
function singleRate(store: Store, total: number): number {
  const rand = rng(11);
  const conv = store.ensureConversation({ kind: 'direct', jid: 'single@clinic.test' }).id;
  const t0 = performance.now();
  for (let j = 0; j < total; j++) {
    store.insertMessage({ clientId: `x${j}`, conversationId: conv, senderJid: 'p@c', body: sentence(rand), sentAt: START + j, direction: 'in' });
  }
  return total / ((performance.now() - t0) / 1000);
}

function measureInserts(work: string) {
  // Alternate plain and encrypted runs and keep each one's best, so load from other processes
  // on this shared machine penalises both sides alike.
  const best = { plain: 0, encrypted: 0, plainSingle: 0, encryptedSingle: 0, plainOneConv: 0, encryptedOneConv: 0 };
  for (let round = 0; round < 3; round++) {
    for (const kind of ['plain', 'encrypted'] as const) {
      const file = path.join(work, `insert-${kind}-${round}.db`);
      const store = kind === 'plain' ? openPlainStoreForBenchmark({ file, create: true }) : openStore({ file, key: randomBytes(32), create: true });
      try {
        best[kind] = Math.max(best[kind], insertRate(store, 20_000, 20));
        const single = singleRate(store, 200);
        if (kind === 'plain') best.plainSingle = Math.max(best.plainSingle, single);
        else best.encryptedSingle = Math.max(best.encryptedSingle, single);
      } finally {
        store.close();
      }
      const oneFile = path.join(work, `insert-one-${kind}-${round}.db`);
      const one = kind === 'plain' ? openPlainStoreForBenchmark({ file: oneFile, create: true }) : openStore({ file: oneFile, key: randomBytes(32), create: true });
      try {
        const rate = insertRate(one, 10_000, 1);
        if (kind === 'plain') best.plainOneConv = Math.max(best.plainOneConv, rate);
        else best.encryptedOneConv = Math.max(best.encryptedOneConv, rate);
      } finally {
        one.close();
      }
    }
  }
  return best;
}

async function kdfMs(): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    (await scryptKey('correct horse battery staple', randomBytes(16), DEFAULT_SCRYPT)).fill(0);
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[1] as number;
}

function fingerprint(): string {
  const h = createHash('sha256');
  for (const f of ['../electron/core/store/schema.ts', '../electron/core/sqlite/encrypted-db.ts', './store-generate-child.ts']) h.update(fs.readFileSync(path.join(here, f)));
  return h.digest('hex').slice(0, 12);
}

async function bigStore(): Promise<{ file: string; keyHex: string; generatedS: number | null }> {
  const cacheRoot = path.join(os.tmpdir(), 'sealwire-bench-store');
  if (args.has('--clean')) fs.rmSync(cacheRoot, { recursive: true, force: true });
  const dir = path.join(cacheRoot, fingerprint());
  const file = path.join(dir, 'store.db');
  const keyFile = path.join(dir, 'key.hex');
  if (!args.has('--fresh') && fs.existsSync(keyFile) && fs.existsSync(file)) {
    const keyHex = fs.readFileSync(keyFile, 'utf8').trim();
    try {
      openStore({ file, key: Buffer.from(keyHex, 'hex') }).close();
      log(`reusing cached store ${dir}`);
      return { file, keyHex, generatedS: null };
    } catch {
      log('cached store unusable; rebuilding');
    }
  }
  fs.rmSync(cacheRoot, { recursive: true, force: true }); // drop older fingerprints too
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyHex = randomBytes(32).toString('hex');
  log(`generating ${MESSAGES} messages in ${CONVERSATIONS} conversations…`);
  const t = performance.now();
  await runChild('store-generate-child.ts', [file, keyHex, String(MESSAGES), String(CONVERSATIONS)]);
  fs.writeFileSync(keyFile, keyHex, { mode: 0o600 });
  return { file, keyHex, generatedS: (performance.now() - t) / 1000 };
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sealwire-bench-'));
  try {
    log('insert throughput (plain vs encrypted, same binding and workload)…');
    const ins = measureInserts(work);
    if (args.has('--inserts-only')) {
      console.log(
        JSON.stringify({
          ...ins,
          ratio: ins.plain / ins.encrypted,
          one_conv_ratio: ins.plainOneConv / ins.encryptedOneConv,
          single_ratio: ins.plainSingle / ins.encryptedSingle,
        }),
      );
      return;
    }
    log('kdf…');
    const kdf = await kdfMs();
    const big = await bigStore();
    log('queries in a fresh process…');
    const q = await runChild('store-query-child.ts', [big.file, big.keyHex, String(CONVERSATIONS), String(START), String(SPAN)]);
    log('in-place migration of a copy in the previous format (SQLCipher 4, schema 1)…');
    const legacy = path.join(work, 'legacy.db');
    fs.copyFileSync(big.file, legacy);
    toLegacySqlcipher(legacy, Buffer.from(big.keyHex, 'hex'), { storeSchemaV1: true });
    const m = await runChild('store-migrate-child.ts', [legacy, big.keyHex]);
    const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
    const result = {
      cipher: PAGE_FORMAT,
      insert_msgs_per_s_encrypted: Math.round(ins.encrypted),
      insert_msgs_per_s_plain: Math.round(ins.plain),
      encrypted_over_plain: round(ins.plain / ins.encrypted, 3),
      encrypted_over_plain_one_conversation_batches: round(ins.plainOneConv / ins.encryptedOneConv, 3),
      insert_single_tx_per_s_encrypted: Math.round(ins.encryptedSingle),
      insert_single_tx_per_s_plain: Math.round(ins.plainSingle),
      messages: MESSAGES,
      conversations: CONVERSATIONS,
      store_mb: round(fs.statSync(big.file).size / 1024 / 1024),
      generate_s: big.generatedS === null ? null : round(big.generatedS),
      kdf_ms: round(kdf),
      kdf_params: DEFAULT_SCRYPT,
      open_and_inbox_ms: round(q.open_and_inbox_ms as number),
      spawn_to_inbox_ms: round(q.spawn_to_inbox_ms as number),
      page_p95_ms: round(q.page_p95_ms as number, 2),
      page_median_ms: round(q.page_median_ms as number, 2),
      search_p95_ms: round(q.search_p95_ms as number),
      search_median_ms: round(q.search_median_ms as number),
      rss_mb: round(q.rss_mb as number),
      migrate_1m_s: round((m.open_ms as number) / 1000),
      migrate_1m_rss_mb: round(m.rss_mb as number),
      cpus: os.cpus().length,
      loadavg_1m: round(os.loadavg()[0] as number, 2),
    };
    console.log(JSON.stringify(result));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
