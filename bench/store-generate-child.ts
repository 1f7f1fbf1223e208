/**
 * Benchmark helper: builds the 1,000,000-message / 500-conversation encrypted store (or a
 * smaller one for the insert workload) with realistic clinic chatter. Big transactions through
 * the real Store API, so the file has exactly the production schema, indexes and FTS index.
 *
 * argv: <store file> <key hex or "plain"> <messages> <conversations>. Prints one JSON line.
 */
import { openStore, type NewMessage } from '../electron/core/store/store.ts';
import { openPlainStoreForBenchmark } from '../electron/core/store/open.ts';

export const WORDS = (
  'the patient appointment please call back today tomorrow morning afternoon room front desk nurse doctor ' +
  'insurance card referral lab results ready prescription refill pharmacy fax chart note waiting checked in ' +
  'running late reschedule cancel confirmed blood pressure follow up visit x-ray imaging billing copay ' +
  'authorization pending approved denied mri ct scan ultrasound pediatrics vaccine flu shot covid test ' +
  'negative positive allergy medication dose urgent stat pager phone voicemail message left family member ' +
  'consent form signed intake paperwork scanned uploaded portal email discharge summary transfer ambulance ' +
  'wheelchair interpreter spanish language arrived parking lot lunch meeting schedule monday tuesday wednesday ' +
  'thursday friday weekend coverage on call provider physician assistant practitioner specialist cardiology ' +
  'orthopedics dermatology physical therapy dental vision hearing weight height temperature fever cough ' +
  'rash pain knee back shoulder headache dizziness nausea ok thanks thank you sure will do done got it'
).split(' ');

/** Deterministic PRNG so every run benchmarks the same corpus. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Zipf-like pick: common words are common, the long tail is rare. */
export function sentence(rand: () => number): string {
  const len = 3 + Math.floor(rand() * rand() * 30);
  const words: string[] = [];
  for (let i = 0; i < len; i++) words.push(WORDS[Math.floor(WORDS.length * rand() ** 2.2)] as string);
  if (rand() < 0.2) words.push(String(Math.floor(rand() * 10_000)));
  return words.join(' ');
}

export const START = Date.UTC(2024, 0, 1);
export const SPAN = 2 * 365 * 86_400_000;

function main() {
  const [file, keyArg, countArg, convArg] = process.argv.slice(2) as [string, string, string, string];
  const count = Number(countArg);
  const convs = Number(convArg);
  const store =
    keyArg === 'plain'
      ? openPlainStoreForBenchmark({ file, create: true })
      : openStore({ file, key: Buffer.from(keyArg, 'hex'), create: true });
  const rand = rng(42);
  const ids: number[] = [];
  for (let c = 0; c < convs; c++) {
    const room = c % 10 === 0;
    ids.push(store.ensureConversation({ kind: room ? 'room' : 'direct', jid: room ? `team${c}@rooms.clinic.test` : `staff${c}@clinic.test`, title: null }).id);
  }
  const t0 = performance.now();
  const BATCH = 20_000;
  for (let i = 0; i < count; i += BATCH) {
    const batch: NewMessage[] = [];
    for (let j = i; j < Math.min(count, i + BATCH); j++) {
      const inbound = rand() < 0.6;
      const conv = ids[Math.floor(convs * rand() ** 1.5)] as number;
      batch.push({
        clientId: `g${j.toString(36)}`,
        serverId: inbound ? `s${j.toString(36)}` : null,
        conversationId: conv,
        senderJid: inbound ? `staff${conv}@clinic.test` : 'me@clinic.test',
        body: sentence(rand),
        sentAt: START + Math.floor((SPAN * j) / count),
        receivedAt: null,
        direction: inbound ? 'in' : 'out',
        state: inbound ? (j < count - 2000 ? 'read' : 'delivered') : 'read',
      });
    }
    store.insertMessages(batch);
  }
  const seconds = (performance.now() - t0) / 1000;
  store.optimize();
  store.close();
  process.stdout.write(`${JSON.stringify({ messages: count, seconds, per_s: Math.round(count / seconds) })}\n`);
}

if (import.meta.main) main();
