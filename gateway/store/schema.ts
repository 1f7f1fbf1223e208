import type { Db } from '../../node-shared/sqlite/page-cipher.ts';

// Only what the flow needs (issue 10): the contact and consent, the date of birth as a salted
// keyed hash, link and code hashes, attempt counters, the relayed thread and delivery states.
// Every table is inside the encrypted file.
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE conversations (
     id TEXT PRIMARY KEY,
     room TEXT NOT NULL UNIQUE,
     name TEXT NOT NULL,
     phone TEXT,
     email TEXT,
     channel TEXT NOT NULL,
     locale TEXT NOT NULL,
     dob_salt BLOB NOT NULL,
     dob_hash BLOB NOT NULL,
     consent_by TEXT NOT NULL,
     consent_method TEXT NOT NULL,
     consent_at INTEGER NOT NULL,
     status TEXT NOT NULL,
     assignee TEXT,
     waiting_for TEXT,
     created_by TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     last_activity_at INTEGER NOT NULL
   );
   CREATE TABLE links (
     token_hash BLOB PRIMARY KEY,
     conversation_id TEXT NOT NULL REFERENCES conversations(id),
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     revoked INTEGER NOT NULL DEFAULT 0,
     failures INTEGER NOT NULL DEFAULT 0,
     code_hash BLOB,
     code_expires_at INTEGER,
     provider_id TEXT
   );
   CREATE INDEX links_by_provider_id ON links(provider_id);
   CREATE INDEX links_by_conversation ON links(conversation_id);
   CREATE TABLE addresses (
     address_key TEXT PRIMARY KEY,
     failures INTEGER NOT NULL DEFAULT 0
   );
   CREATE TABLE messages (
     conversation_id TEXT NOT NULL REFERENCES conversations(id),
     id TEXT NOT NULL,
     author TEXT NOT NULL,
     body TEXT NOT NULL,
     at INTEGER NOT NULL,
     state TEXT NOT NULL,
     state_at INTEGER NOT NULL,
     code TEXT,
     until INTEGER,
     PRIMARY KEY (conversation_id, id)
   );
   CREATE INDEX messages_by_time ON messages(conversation_id, at);
   CREATE TABLE pending_notifications (
     conversation_id TEXT PRIMARY KEY REFERENCES conversations(id),
     due_at INTEGER NOT NULL
   );
   CREATE TABLE opt_outs (
     address_key TEXT PRIMARY KEY,
     opted_out INTEGER NOT NULL,
     at TEXT NOT NULL,
     source TEXT NOT NULL
   );
   CREATE TABLE audit (
     seq INTEGER PRIMARY KEY,
     record TEXT NOT NULL,
     mac TEXT NOT NULL
   );`,
  // Where the gateway's reading of each room's archive stands (the last relayed stanza-id), so a
  // reconnect relays what staff sent while it was away, from there.
  `CREATE TABLE room_cursors (
     room TEXT PRIMARY KEY,
     archive_id TEXT NOT NULL
   );`,
  // Patient sessions outlive a restart (and can serve several instances): only the hash of the
  // cookie's id is kept, with the session's stage, CSRF token and last activity.
  `CREATE TABLE sessions (
     id_hash TEXT PRIMARY KEY,
     token_hash BLOB NOT NULL,
     conversation_id TEXT NOT NULL REFERENCES conversations(id),
     stage TEXT NOT NULL,
     locale TEXT NOT NULL,
     csrf TEXT NOT NULL,
     last_seen INTEGER NOT NULL
   );
   CREATE INDEX sessions_by_conversation ON sessions(conversation_id);`,
];

export function migrate(db: Db): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) throw new Error('gateway store is from a newer version');
  db.transaction(() => {
    for (let v = version; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v] as string);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  })();
}
