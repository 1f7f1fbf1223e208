import { openEncryptedDb, type Db, type FormatMigrationEvent } from '../sqlite/encrypted-db.ts';
import { CoreError } from '../errors.ts';
import { migrate, readUserVersion, SCHEMA_VERSION } from './schema.ts';
import { DAMAGED, NOT_FOUND, TOO_NEW, WRONG_KEY } from './sqlite-errors.ts';

export type { Db } from '../sqlite/encrypted-db.ts';
export { rawKeyPragma } from '../sqlite/encrypted-db.ts';

export interface ConnectOptions {
  readonly file: string;
  /** null only for the benchmark's plain baseline. */
  readonly key: Buffer | null;
  readonly create: boolean;
  readonly keyVerified: boolean;
  readonly onMigration?: (event: FormatMigrationEvent) => void;
}

/**
 * Opens through the shared encrypted opener (which proves the key on page 1 and converts older
 * page formats), refuses newer stores before the schema is touched, then migrates the schema.
 */
export function connect(options: ConnectOptions): Db {
  const db = openEncryptedDb({ ...options, messages: { wrongKey: WRONG_KEY, damaged: DAMAGED, notFound: NOT_FOUND } });
  try {
    if (readUserVersion(db) > SCHEMA_VERSION) throw new CoreError('store_too_new', TOO_NEW);
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
