/**
 * Page-format migration child (crash test and bench): opens a store written in the older
 * SQLCipher 4 format, which converts it in place. Says "S" when the conversion starts, "D <ms>"
 * when it is done, "O" once the store is open. The crash test SIGKILLs it in between.
 *
 * argv: <store file> <key hex>.
 */
import { openStore } from '../electron/core/store/store.ts';

const [file, keyHex] = process.argv.slice(2) as [string, string];
const say = (line: string) => process.stdout.write(`${line}\n`);
const store = openStore({
  file,
  key: Buffer.from(keyHex, 'hex'),
  onFormatMigration: (e) => say(e.phase === 'start' ? 'S' : `D ${e.ms.toFixed(1)}`),
});
say('O');
store.close();
