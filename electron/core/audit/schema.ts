import type Database from 'better-sqlite3-multiple-ciphers';

export const AUDIT_SCHEMA_VERSION = 1;

/**
 * A record is stored as its canonical text plus MAC; the columns queries need are generated from
 * that text, so they can never disagree with what the hash covers.
 * Append-only by construction: the API has no UPDATE or DELETE, and triggers refuse both, except
 * a DELETE while the retention purge holds the gate open inside its own transaction.
 */
const V1 = `
CREATE TABLE audit (
  seq INTEGER PRIMARY KEY,
  record TEXT NOT NULL,
  mac BLOB NOT NULL,
  time INTEGER GENERATED ALWAYS AS (json_extract(record, '$[2]')) VIRTUAL,
  staff_id TEXT GENERATED ALWAYS AS (json_extract(record, '$[3]')) VIRTUAL
);
CREATE INDEX audit_by_staff ON audit(staff_id, seq);
CREATE TABLE audit_gate (id INTEGER PRIMARY KEY CHECK (id = 1), purging INTEGER NOT NULL);
INSERT INTO audit_gate (id, purging) VALUES (1, 0);
CREATE TABLE audit_anchor (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash BLOB NOT NULL, mac BLOB NOT NULL);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
WHEN (SELECT purging FROM audit_gate WHERE id = 1) IS NOT 1
BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
CREATE TRIGGER audit_anchor_guard BEFORE INSERT ON audit_anchor
WHEN (SELECT purging FROM audit_gate WHERE id = 1) IS NOT 1
BEGIN SELECT RAISE(ABORT, 'the audit anchor moves only by retention'); END;
CREATE TRIGGER audit_anchor_no_delete BEFORE DELETE ON audit_anchor
WHEN (SELECT purging FROM audit_gate WHERE id = 1) IS NOT 1
BEGIN SELECT RAISE(ABORT, 'the audit anchor moves only by retention'); END;
`;

export type SchemaCheck = 'ready' | 'too_new';

/** Creates or checks the schema in one transaction keyed by user_version; a newer file is refused, never touched. */
export function migrateAuditSchema(db: Database.Database): SchemaCheck {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > AUDIT_SCHEMA_VERSION) return 'too_new';
  if (version === AUDIT_SCHEMA_VERSION) return 'ready';
  db.transaction(() => {
    db.exec(V1);
    db.pragma(`user_version = ${AUDIT_SCHEMA_VERSION}`);
  }).immediate();
  return 'ready';
}
