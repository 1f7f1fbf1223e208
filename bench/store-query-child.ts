/**
 * Benchmark helper, run in a fresh process: open the generated store with its raw key, read the
 * first inbox page, then time random message pages and full-text searches; report RSS at the end.
 *
 * argv: <store file> <key hex> <conversations> <start ms> <span ms>. Prints one JSON line.
 */
const spawnedAt = performance.timeOrigin;
const [file, keyHex, convArg, startArg, spanArg] = process.argv.slice(2) as [string, string, string, string, string];

const t0 = performance.now();
const { openStore } = await import('../electron/core/store/store.ts');
const { encodeCursor } = await import('../electron/core/store/format.ts');
const store = openStore({ file, key: Buffer.from(keyHex, 'hex') });
const inbox = store.inbox({ limit: 50 });
const openAndInbox = performance.now() - t0;
const fromSpawn = Date.now() - spawnedAt;
if (inbox.entries.length === 0) throw new Error('empty inbox');

let seed = 7;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)] as number;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const conversations = Number(convArg);
const start = Number(startArg);
const span = Number(spanArg);
const pageTimes: number[] = [];
let pageRows = 0;
for (let i = 0; i < 400; i++) {
  const conv = 1 + Math.floor(rand() * conversations);
  const before = i % 4 === 0 ? undefined : encodeCursor({ at: start + Math.floor(rand() * span), id: Number.MAX_SAFE_INTEGER });
  const t = performance.now();
  const page = store.messagesPage(conv, before === undefined ? { limit: 50 } : { before, limit: 50 });
  pageTimes.push(performance.now() - t);
  pageRows += page.messages.length;
}

const TERMS = [
  'insurance', 'referral', 'lab results', 'prescription refill', 'mri', 'interpreter spanish',
  'blood pressure', 'appoint', 'knee pain', 'fax', 'authorization pending', 'reschedule', 'covid test negative',
  'dermatology', 'voicemail',
];
const searchTimes: number[] = [];
let hits = 0;
for (let round = 0; round < 4; round++) {
  for (const term of TERMS) {
    const t = performance.now();
    hits += store.search(term, 20).length;
    searchTimes.push(performance.now() - t);
  }
}
const rss = process.memoryUsage().rss / (1024 * 1024);
store.close();
process.stdout.write(
  `${JSON.stringify({
    open_and_inbox_ms: openAndInbox,
    spawn_to_inbox_ms: fromSpawn,
    page_p95_ms: p95(pageTimes),
    page_median_ms: median(pageTimes),
    page_rows: pageRows,
    search_p95_ms: p95(searchTimes),
    search_median_ms: median(searchTimes),
    search_hits: hits,
    rss_mb: rss,
  })}\n`,
);
