import type { Db } from './connection.ts';

/**
 * Migrations keyed by user_version: migration i takes the store from version i to i + 1, each in
 * its own transaction together with the user_version bump, so a crash leaves a whole version.
 * Never edit a released migration; append a new one.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE conversations (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('direct', 'room')),
    jid TEXT NOT NULL,
    title TEXT,
    last_activity INTEGER NOT NULL,
    last_message_id INTEGER,
    unread_count INTEGER NOT NULL DEFAULT 0,
    muted INTEGER NOT NULL DEFAULT 0,
    archived INTEGER NOT NULL DEFAULT 0,
    UNIQUE (kind, jid)
  );
  CREATE INDEX conversations_inbox ON conversations (archived, last_activity DESC, id DESC);
  CREATE INDEX conversations_activity ON conversations (last_activity DESC, id DESC);

  CREATE TABLE contacts (
    jid TEXT PRIMARY KEY,
    display_name TEXT,
    presence TEXT,
    presence_at INTEGER
  ) WITHOUT ROWID;

  CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    client_id TEXT NOT NULL UNIQUE,
    server_id TEXT,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    sender_jid TEXT NOT NULL,
    body TEXT NOT NULL,
    sent_at INTEGER NOT NULL,
    received_at INTEGER,
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'delivered', 'read', 'failed')),
    priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('normal', 'urgent')),
    patient_tag TEXT,
    edited_at INTEGER,
    recalled_at INTEGER
  );
  CREATE UNIQUE INDEX messages_server_id ON messages (conversation_id, server_id) WHERE server_id IS NOT NULL;
  CREATE INDEX messages_timeline ON messages (conversation_id, sent_at, id);
  CREATE INDEX messages_unread ON messages (conversation_id, sent_at, id) WHERE direction = 'in' AND state <> 'read';

  -- External-content FTS5: the text lives once, in messages; the index follows through triggers.
  CREATE VIRTUAL TABLE messages_fts USING fts5 (
    body, content = 'messages', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
  );
  -- Deleted tokens are removed from the index pages instead of being masked by tombstones.
  INSERT INTO messages_fts (messages_fts, rank) VALUES ('secure-delete', 1);
  CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body);
  END;
  CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
  END;
  CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
    INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body);
  END;

  -- file_key is the attachment's raw AES key. It sits inside the encrypted database, so it is
  -- protected by the store key; with secure_delete, deleting the row destroys the key (crypto-shred).
  CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    mime TEXT NOT NULL,
    size INTEGER NOT NULL,
    file_key BLOB NOT NULL,
    sha256 TEXT NOT NULL,
    blob_name TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX attachments_message ON attachments (message_id);

  CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id TEXT NOT NULL UNIQUE REFERENCES messages (client_id) ON DELETE CASCADE,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL
  );

  CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

  CREATE TABLE sync_state (
    archive TEXT PRIMARY KEY,
    last_stanza_id TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  // 2: indexes of messages follow the queries screens make (issue 15). The unread index cost a
  // quarter of the pages every incoming batch writes; read markers walk the timeline instead.
  // Patient tags get a partial index: only tagged messages pay for it, and search finds them.
  `
  DROP INDEX messages_unread;
  CREATE INDEX messages_patient_tag ON messages (patient_tag COLLATE NOCASE) WHERE patient_tag IS NOT NULL;
  `,
  // 3: a failed message keeps why it failed (issue 11 bug 8), so the screen can say it in plain words;
  // a reply (XEP-0461) keeps the local id of the message it answers (no foreign key: a purge may remove either).
  `
  ALTER TABLE messages ADD COLUMN failure TEXT;
  ALTER TABLE messages ADD COLUMN reply_to INTEGER;
  `,
  // 4: urgent messages are acknowledged (issue 11): who acknowledged which message, when. Incoming
  // urgent messages get a partial index: the alert asks for those not yet acknowledged.
  `
  CREATE TABLE acknowledgements (
    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    by_jid TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (message_id, by_jid)
  ) WITHOUT ROWID;
  CREATE INDEX messages_urgent_in ON messages (sent_at) WHERE priority = 'urgent' AND direction = 'in';
  `,
  // 5: pinned conversations (issue 11): when each was pinned, so pinned ones list first in the order
  // they were pinned. A partial index holds only the pinned few; the inbox index serves the rest.
  `
  ALTER TABLE conversations ADD COLUMN pinned_at INTEGER;
  CREATE INDEX conversations_pinned ON conversations (pinned_at, id) WHERE pinned_at IS NOT NULL;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function readUserVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Brings the store up to SCHEMA_VERSION. The caller has already refused stores that are newer. */
export function migrate(db: Db): void {
  for (let v = readUserVersion(db); v < SCHEMA_VERSION; v++) {
    const sql = MIGRATIONS[v] as string;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}
