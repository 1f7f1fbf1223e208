/**
 * The public face of one staff profile's encrypted store. Everything PHI that is durable lives
 * behind this interface: conversations, contacts, messages (+ full-text index), attachment
 * metadata and encrypted blobs, the outbox, settings and sync state.
 *
 * All times are Unix epoch milliseconds. Ids are SQLite rowids (positive integers).
 * Errors: every method may throw CoreError('damaged_store') when a page fails to decrypt or
 * verify, and CoreError('locked') when called after close(); openStore throws the codes
 * documented on it. No error message ever carries PHI.
 */
import { openSqliteStore } from './open.ts';
import type { OpenStoreOptions, Store } from './types.ts';

export type * from './types.ts';
/** Known schema version; a store with a higher user_version is refused ('store_too_new'). */
export { SCHEMA_VERSION } from './schema.ts';
export { PREVIEW_CHARS, SNIPPET_OPEN, SNIPPET_CLOSE } from './format.ts';
export { SEARCH_WINDOW } from './messages.ts';

/**
 * Open (or create) an encrypted store. Throws CoreError:
 * - 'not_found'      file missing and create not set;
 * - 'wrong_password' key is not 32 bytes, or page 1 does not decrypt and keyVerified is not set
 *                    (the page cipher cannot tell a wrong key from a damaged page 1; the vault's key
 *                    file is authenticated, so it passes keyVerified to get 'damaged_store');
 * - 'damaged_store'  the file is not a database / pages fail to verify with a known-good key;
 * - 'store_too_new'  written by a newer Sealwire (user_version above SCHEMA_VERSION); nothing written.
 */
export function openStore(options: OpenStoreOptions): Store {
  return openSqliteStore(options);
}
