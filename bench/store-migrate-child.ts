/**
 * Page-format migration child (crash test and bench): opens a store written in the older
 * SQLCipher 4 format, which converts it in place. Says "S" when the conversion starts, "D <ms>"
 * when it is done, and a JSON line once the store is open (schema migrated too). The crash test
 * SIGKILLs it in between; the benchmark reads the times.
 *
 * argv: <store file> <key hex>.
 */
import { openStore } from '../electron/core/store/store.ts';

const [file, keyHex] = process.argv.slice(2) as [string, string];
const say = (line: string) => process.stdout.write(`${line}\n`);
const t0 = performance.now();
const store = openStore({
  file,
  key: Buffer.from(keyHex, 'hex'),
  onFormatMigration: (e) => say(e.phase === 'start' ? 'S' : `D ${e.ms.toFixed(1)}`),
});
say(JSON.stringify({ open_ms: performance.now() - t0, rss_mb: process.memoryUsage().rss / 1048576 }));
store.close();
