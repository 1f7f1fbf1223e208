import fs from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import type { Channel, DeliveryState, FailureCode, PatientLocale } from '../../shared/contract/patient-gateway.ts';
import { applyVaultPragmas, keyDatabase, type Db } from '../../node-shared/sqlite/page-cipher.ts';
import { migrate } from './schema.ts';

export interface ConversationRow {
  readonly id: string;
  readonly room: string;
  readonly name: string;
  readonly phone: string | null;
  readonly email: string | null;
  readonly channel: Channel;
  readonly locale: PatientLocale;
  readonly dobSalt: Buffer;
  readonly dobHash: Buffer;
  readonly consentBy: string;
  readonly consentMethod: string;
  readonly consentAt: number;
  readonly status: 'open' | 'closed';
  readonly assignee: string | null;
  readonly waitingFor: 'staff' | 'patient' | null;
  readonly createdBy: string;
  readonly createdAt: number;
  readonly lastActivityAt: number;
}

export interface LinkRow {
  readonly tokenHash: Buffer;
  readonly conversationId: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly revoked: boolean;
  readonly failures: number;
  readonly codeHash: Buffer | null;
  readonly codeExpiresAt: number | null;
}

export interface MessageRow {
  readonly conversationId: string;
  readonly id: string;
  readonly author: 'staff' | 'patient';
  readonly body: string;
  readonly at: number;
  readonly state: DeliveryState;
  readonly stateAt: number;
  readonly code: FailureCode | null;
  readonly until: number | null;
}

export interface SessionRow {
  readonly idHash: string;
  readonly tokenHash: Buffer;
  readonly conversationId: string;
  readonly stage: 'dob' | 'code' | 'thread';
  readonly locale: PatientLocale;
  readonly csrf: string;
  readonly lastSeen: number;
}

type ConversationPatch = Partial<Pick<ConversationRow, 'status' | 'assignee' | 'waitingFor' | 'lastActivityAt'>>;

/**
 * Everything the gateway keeps, behind one small interface so a shared database can replace the
 * embedded one when the gateway runs as several instances (DESIGN.md §11).
 */
export interface GatewayStore {
  transaction<T>(fn: () => T): T;
  addConversation(row: ConversationRow): void;
  conversation(id: string): ConversationRow | null;
  conversationByRoom(room: string): ConversationRow | null;
  conversations(status: 'open' | 'closed' | 'all'): ConversationRow[];
  updateConversation(id: string, patch: ConversationPatch): void;
  addLink(row: Omit<LinkRow, 'revoked' | 'failures' | 'codeHash' | 'codeExpiresAt'>): void;
  link(tokenHash: Buffer): LinkRow | null;
  latestLink(conversationId: string): LinkRow | null;
  linkFailed(tokenHash: Buffer): number;
  setCode(tokenHash: Buffer, codeHash: Buffer | null, expiresAt: number | null): void;
  revokeLinks(conversationId: string): void;
  /** The SMS provider's id of the notification that carried this link (for its delivery callbacks). */
  setProviderId(tokenHash: Buffer, providerId: string): void;
  conversationOfProviderId(providerId: string): string | null;
  addressFailures(key: string): number;
  addressFailed(key: string): number;
  resetAddress(key: string): void;
  /** False when this message id is already stored (a redelivered stanza). */
  addMessage(row: MessageRow): boolean;
  messages(conversationId: string, limit: number): MessageRow[];
  message(conversationId: string, id: string): MessageRow | null;
  setMessageState(conversationId: string, id: string, state: DeliveryState, at: number, code: FailureCode | null, until: number | null): void;
  /** Patient sessions, by the SHA-256 of the cookie's id (never the id itself). */
  putSession(row: SessionRow): void;
  session(idHash: string): SessionRow | null;
  dropSession(idHash: string): void;
  dropSessions(conversationId: string): void;
  dropIdleSessions(seenBefore: number): void;
  /** The last archive id (stanza-id) of a conversation room the gateway has handled. */
  roomCursor(room: string): string | null;
  setRoomCursor(room: string, archiveId: string): void;
  /** gateway/notify's opt-out records (keyed hashes of addresses, never the addresses). */
  optOut(key: string): { optedOut: boolean; at: string; source: string } | undefined;
  setOptOut(key: string, record: { optedOut: boolean; at: string; source: string }): void;
  schedule(conversationId: string, dueAt: number): void;
  unschedule(conversationId: string): void;
  due(now: number): Array<{ conversationId: string; dueAt: number }>;
  readonly db: Db;
  close(): void;
}

/** The database key: exactly 32 bytes as 64 hex digits (README: `openssl rand -hex 32`). */
export function parseStoreKey(hex: string): Buffer {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error('store key must be 64 hex digits (32 random bytes)');
  return Buffer.from(hex, 'hex');
}

const bool = (v: unknown) => v === 1;

function toConversation(r: Record<string, unknown>): ConversationRow {
  return {
    id: r.id as string,
    room: r.room as string,
    name: r.name as string,
    phone: r.phone as string | null,
    email: r.email as string | null,
    channel: r.channel as Channel,
    locale: r.locale as PatientLocale,
    dobSalt: r.dob_salt as Buffer,
    dobHash: r.dob_hash as Buffer,
    consentBy: r.consent_by as string,
    consentMethod: r.consent_method as string,
    consentAt: r.consent_at as number,
    status: r.status as 'open' | 'closed',
    assignee: r.assignee as string | null,
    waitingFor: r.waiting_for as 'staff' | 'patient' | null,
    createdBy: r.created_by as string,
    createdAt: r.created_at as number,
    lastActivityAt: r.last_activity_at as number,
  };
}

const toLink = (r: Record<string, unknown>): LinkRow => ({
  tokenHash: r.token_hash as Buffer,
  conversationId: r.conversation_id as string,
  createdAt: r.created_at as number,
  expiresAt: r.expires_at as number,
  revoked: bool(r.revoked),
  failures: r.failures as number,
  codeHash: r.code_hash as Buffer | null,
  codeExpiresAt: r.code_expires_at as number | null,
});

const toMessage = (r: Record<string, unknown>): MessageRow => ({
  conversationId: r.conversation_id as string,
  id: r.id as string,
  author: r.author as 'staff' | 'patient',
  body: r.body as string,
  at: r.at as number,
  state: r.state as DeliveryState,
  stateAt: r.state_at as number,
  code: r.code as FailureCode | null,
  until: r.until as number | null,
});

/** The embedded default: one encrypted SQLite file (AEGIS-256 pages, raw 256-bit key), as the client's stores. */
export function openGatewayStore(file: string, key: Buffer): GatewayStore {
  const db = new Database(file);
  fs.chmodSync(file, 0o600);
  keyDatabase(db, key);
  applyVaultPragmas(db);
  migrate(db);
  const one = <T>(sql: string, map: (r: Record<string, unknown>) => T) => {
    const stmt = db.prepare(sql);
    return (...args: unknown[]): T | null => {
      const row = stmt.get(...args) as Record<string, unknown> | undefined;
      return row === undefined ? null : map(row);
    };
  };
  const conversationById = one('SELECT * FROM conversations WHERE id = ?', toConversation);
  const conversationByRoom = one('SELECT * FROM conversations WHERE room = ?', toConversation);
  const linkByHash = one('SELECT * FROM links WHERE token_hash = ?', toLink);
  const latest = one('SELECT * FROM links WHERE conversation_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1', toLink);
  const messageById = one('SELECT * FROM messages WHERE conversation_id = ? AND id = ?', toMessage);
  const column = { status: 'status', assignee: 'assignee', waitingFor: 'waiting_for', lastActivityAt: 'last_activity_at' } as const;

  return {
    db,
    transaction: (fn) => db.transaction(fn)(),
    addConversation(c) {
      db.prepare(
        `INSERT INTO conversations (id, room, name, phone, email, channel, locale, dob_salt, dob_hash, consent_by, consent_method,
           consent_at, status, assignee, waiting_for, created_by, created_at, last_activity_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(c.id, c.room, c.name, c.phone, c.email, c.channel, c.locale, c.dobSalt, c.dobHash, c.consentBy, c.consentMethod, c.consentAt,
        c.status, c.assignee, c.waitingFor, c.createdBy, c.createdAt, c.lastActivityAt);
    },
    conversation: (id) => conversationById(id),
    conversationByRoom: (room) => conversationByRoom(room),
    conversations(status) {
      const rows = (status === 'all'
        ? db.prepare('SELECT * FROM conversations ORDER BY last_activity_at DESC').all()
        : db.prepare('SELECT * FROM conversations WHERE status = ? ORDER BY last_activity_at DESC').all(status)) as Array<Record<string, unknown>>;
      return rows.map(toConversation);
    },
    updateConversation(id, patch) {
      for (const [k, v] of Object.entries(patch)) {
        db.prepare(`UPDATE conversations SET ${column[k as keyof typeof column]} = ? WHERE id = ?`).run(v, id);
      }
    },
    addLink(l) {
      db.prepare('INSERT INTO links (token_hash, conversation_id, created_at, expires_at) VALUES (?, ?, ?, ?)').run(l.tokenHash, l.conversationId, l.createdAt, l.expiresAt);
    },
    link: (hash) => linkByHash(hash),
    latestLink: (id) => latest(id),
    linkFailed(hash) {
      db.prepare('UPDATE links SET failures = failures + 1 WHERE token_hash = ?').run(hash);
      return linkByHash(hash)?.failures ?? 0;
    },
    setCode(hash, codeHash, expiresAt) {
      db.prepare('UPDATE links SET code_hash = ?, code_expires_at = ? WHERE token_hash = ?').run(codeHash, expiresAt, hash);
    },
    setProviderId(hash, providerId) {
      db.prepare('UPDATE links SET provider_id = ? WHERE token_hash = ?').run(providerId, hash);
    },
    conversationOfProviderId: (providerId) =>
      (db.prepare('SELECT conversation_id FROM links WHERE provider_id = ?').pluck().get(providerId) as string | undefined) ?? null,
    revokeLinks(id) {
      db.prepare('UPDATE links SET revoked = 1 WHERE conversation_id = ?').run(id);
      db.prepare('DELETE FROM sessions WHERE conversation_id = ?').run(id); // a revoked link ends its sessions
    },
    addressFailures: (key) => (db.prepare('SELECT failures FROM addresses WHERE address_key = ?').pluck().get(key) as number | undefined) ?? 0,
    addressFailed(key) {
      db.prepare('INSERT INTO addresses (address_key, failures) VALUES (?, 1) ON CONFLICT(address_key) DO UPDATE SET failures = failures + 1').run(key);
      return db.prepare('SELECT failures FROM addresses WHERE address_key = ?').pluck().get(key) as number;
    },
    resetAddress(key) {
      db.prepare('DELETE FROM addresses WHERE address_key = ?').run(key);
    },
    addMessage(m) {
      const r = db
        .prepare('INSERT OR IGNORE INTO messages (conversation_id, id, author, body, at, state, state_at, code, until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(m.conversationId, m.id, m.author, m.body, m.at, m.state, m.stateAt, m.code, m.until);
      return r.changes === 1;
    },
    messages(id, limit) {
      const rows = db.prepare('SELECT * FROM (SELECT rowid AS r, * FROM messages WHERE conversation_id = ? ORDER BY at DESC, r DESC LIMIT ?) ORDER BY at, r').all(id, limit);
      return (rows as Array<Record<string, unknown>>).map(toMessage);
    },
    message: (conversationId, id) => messageById(conversationId, id),
    setMessageState(conversationId, id, state, at, code, until) {
      db.prepare('UPDATE messages SET state = ?, state_at = ?, code = ?, until = ? WHERE conversation_id = ? AND id = ?').run(state, at, code, until, conversationId, id);
    },
    putSession(r) {
      db.prepare(
        `INSERT INTO sessions (id_hash, token_hash, conversation_id, stage, locale, csrf, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id_hash) DO UPDATE SET stage = excluded.stage, locale = excluded.locale, last_seen = excluded.last_seen`,
      ).run(r.idHash, r.tokenHash, r.conversationId, r.stage, r.locale, r.csrf, r.lastSeen);
    },
    session(idHash) {
      const r = db.prepare('SELECT * FROM sessions WHERE id_hash = ?').get(idHash) as Record<string, unknown> | undefined;
      return r === undefined
        ? null
        : { idHash, tokenHash: r.token_hash as Buffer, conversationId: r.conversation_id as string, stage: r.stage as SessionRow['stage'],
            locale: r.locale as PatientLocale, csrf: r.csrf as string, lastSeen: r.last_seen as number };
    },
    dropSession(idHash) {
      db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash);
    },
    dropSessions(conversationId) {
      db.prepare('DELETE FROM sessions WHERE conversation_id = ?').run(conversationId);
    },
    dropIdleSessions(seenBefore) {
      db.prepare('DELETE FROM sessions WHERE last_seen < ?').run(seenBefore);
    },
    roomCursor: (room) => (db.prepare('SELECT archive_id FROM room_cursors WHERE room = ?').pluck().get(room) as string | undefined) ?? null,
    setRoomCursor(room, archiveId) {
      db.prepare('INSERT INTO room_cursors (room, archive_id) VALUES (?, ?) ON CONFLICT(room) DO UPDATE SET archive_id = excluded.archive_id').run(room, archiveId);
    },
    optOut(key) {
      const r = db.prepare('SELECT opted_out, at, source FROM opt_outs WHERE address_key = ?').get(key) as { opted_out: number; at: string; source: string } | undefined;
      return r === undefined ? undefined : { optedOut: r.opted_out === 1, at: r.at, source: r.source };
    },
    setOptOut(key, r) {
      db.prepare('INSERT INTO opt_outs (address_key, opted_out, at, source) VALUES (?, ?, ?, ?) ON CONFLICT(address_key) DO UPDATE SET opted_out = excluded.opted_out, at = excluded.at, source = excluded.source')
        .run(key, r.optedOut ? 1 : 0, r.at, r.source);
    },
    schedule(id, dueAt) {
      db.prepare('INSERT INTO pending_notifications (conversation_id, due_at) VALUES (?, ?) ON CONFLICT(conversation_id) DO UPDATE SET due_at = excluded.due_at').run(id, dueAt);
    },
    unschedule(id) {
      db.prepare('DELETE FROM pending_notifications WHERE conversation_id = ?').run(id);
    },
    due(now) {
      const rows = db.prepare('SELECT conversation_id, due_at FROM pending_notifications WHERE due_at <= ? ORDER BY due_at').all(now) as Array<{ conversation_id: string; due_at: number }>;
      return rows.map((r) => ({ conversationId: r.conversation_id, dueAt: r.due_at }));
    },
    close: () => db.close(),
  };
}
