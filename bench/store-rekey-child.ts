/**
 * Rekey crash test child: opens the store with the old key, says "R", rekeys to the new key,
 * says "D". The parent SIGKILLs it at a random moment in between.
 *
 * argv: <store file> <old key hex> <new key hex>.
 */
import { openStore } from '../electron/core/store/store.ts';

const [file, oldHex, newHex] = process.argv.slice(2) as [string, string, string];
const store = openStore({ file, key: Buffer.from(oldHex, 'hex') });
process.stdout.write('R\n');
store.rekey(Buffer.from(newHex, 'hex'));
process.stdout.write('D\n');
store.close();
