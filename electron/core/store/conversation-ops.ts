import { quotePrefixLength } from '../../../shared/reply-quote.ts';
import { CoreError } from '../errors.ts';
import type { Db } from './connection.ts';
import { clampLimit, decodeCursor, encodeCursor, makePreview, PREVIEW_CHARS } from './format.ts';
import { toContact, toConversation, type ContactRow, type ConversationRow } from './rows.ts';
import type { InboxEntry, Store } from './types.ts';

type ConversationOps = Pick<
  Store,
  | 'ensureConversation'
  | 'getConversation'
  | 'findConversation'
  | 'setConversationFlags'
  | 'inbox'
  | 'inboxEntry'
  | 'upsertContact'
  | 'getContact'
  | 'listContacts'
>;

interface InboxRow extends ConversationRow {
  preview_body: string | null;
  preview_sender: string | null;
  preview_direction: 'in' | 'out' | null;
  preview_recalled: number | null;
  preview_reply_to: number | null;
}

const INBOX_SELECT = `SELECT c.*, substr(m.body, 1, ${PREVIEW_CHARS * 4}) AS preview_body, m.sender_jid AS preview_sender,
  m.direction AS preview_direction, m.recalled_at AS preview_recalled, m.reply_to AS preview_reply_to
  FROM conversations c LEFT JOIN messages m ON m.id = c.last_message_id`;

/** Pinned conversations all list on the inbox's first page, so their number is bounded. */
export const MAX_PINNED = 20;

export function conversationOps(db: Db, now: () => number): ConversationOps {
  const byId = db.prepare<[number], ConversationRow>('SELECT * FROM conversations WHERE id = ?');
  const byJid = db.prepare<[string, string], ConversationRow>('SELECT * FROM conversations WHERE kind = ? AND jid = ?');
  const insert = db.prepare('INSERT INTO conversations (kind, jid, title, last_activity) VALUES (?, ?, ?, ?)');
  const setTitle = db.prepare('UPDATE conversations SET title = ? WHERE id = ?');
  const setMuted = db.prepare('UPDATE conversations SET muted = ? WHERE id = ?');
  const setArchived = db.prepare('UPDATE conversations SET archived = ? WHERE id = ?');
  // Pinning again keeps the first pin time (its place among the pinned); unpinning clears it.
  const pin = db.prepare('UPDATE conversations SET pinned_at = coalesce(pinned_at, ?) WHERE id = ?');
  const unpin = db.prepare('UPDATE conversations SET pinned_at = NULL WHERE id = ?');
  const pinnedCount = db.prepare<[], number>('SELECT count(*) FROM conversations WHERE pinned_at IS NOT NULL').pluck();
  // Pinned rows come first on the first page (a few, from their own partial index); the keyset
  // pages by last activity skip them, so no conversation shows twice.
  const pinnedFirst = db.prepare<[number], InboxRow>(
    `${INBOX_SELECT} WHERE c.pinned_at IS NOT NULL ORDER BY c.pinned_at, c.id LIMIT ?`,
  );
  const inboxFirst = db.prepare<[number], InboxRow>(
    `${INBOX_SELECT} WHERE c.archived = 0 AND c.pinned_at IS NULL ORDER BY c.last_activity DESC, c.id DESC LIMIT ?`,
  );
  const inboxBefore = db.prepare<[number, number, number], InboxRow>(
    `${INBOX_SELECT} WHERE c.archived = 0 AND c.pinned_at IS NULL AND (c.last_activity, c.id) < (?, ?) ORDER BY c.last_activity DESC, c.id DESC LIMIT ?`,
  );
  const allFirst = db.prepare<[number], InboxRow>(
    `${INBOX_SELECT} WHERE c.pinned_at IS NULL ORDER BY c.last_activity DESC, c.id DESC LIMIT ?`,
  );
  const allBefore = db.prepare<[number, number, number], InboxRow>(
    `${INBOX_SELECT} WHERE c.pinned_at IS NULL AND (c.last_activity, c.id) < (?, ?) ORDER BY c.last_activity DESC, c.id DESC LIMIT ?`,
  );
  const inboxOne = db.prepare<[number], InboxRow>(`${INBOX_SELECT} WHERE c.id = ?`);
  const upsertContact = db.prepare(
    `INSERT INTO contacts (jid, display_name, presence, presence_at) VALUES (@jid, @displayName, @presence, @presenceAt)
     ON CONFLICT (jid) DO UPDATE SET
       display_name = CASE WHEN @hasName THEN excluded.display_name ELSE display_name END,
       presence = CASE WHEN @hasPresence THEN excluded.presence ELSE presence END,
       presence_at = CASE WHEN @hasPresence THEN excluded.presence_at ELSE presence_at END`,
  );
  const contact = db.prepare<[string], ContactRow>('SELECT * FROM contacts WHERE jid = ?');
  const contacts = db.prepare<[number], ContactRow>('SELECT * FROM contacts ORDER BY jid LIMIT ?');

  const ensure = db.transaction((kind: 'direct' | 'room', jid: string, title: string | null | undefined) => {
    const found = byJid.get(kind, jid);
    if (found !== undefined) {
      if (title !== undefined && title !== found.title) setTitle.run(title, found.id);
      return toConversation(byId.get(found.id) as ConversationRow);
    }
    const id = Number(insert.run(kind, jid, title ?? null, now()).lastInsertRowid);
    return toConversation(byId.get(id) as ConversationRow);
  });

  return {
    ensureConversation: ({ kind, jid, title }) => ensure.immediate(kind, jid, title),
    getConversation(id) {
      const row = byId.get(id);
      return row === undefined ? null : toConversation(row);
    },
    findConversation(kind, jid) {
      const row = byJid.get(kind, jid);
      return row === undefined ? null : toConversation(row);
    },
    setConversationFlags(id, flags) {
      const row = byId.get(id);
      if (row === undefined) throw new CoreError('not_found', 'That conversation was not found.');
      db.transaction(() => {
        if (flags.pinned === true && row.pinned_at === null && pinnedCount.get()! >= MAX_PINNED) {
          throw new CoreError('too_many_pins', `At most ${MAX_PINNED} conversations can be pinned.`);
        }
        if (flags.pinned === true) pin.run(now(), id);
        else if (flags.pinned === false) unpin.run(id);
        if (flags.muted !== undefined) setMuted.run(flags.muted ? 1 : 0, id);
        if (flags.archived !== undefined) setArchived.run(flags.archived ? 1 : 0, id);
        if (flags.title !== undefined) setTitle.run(flags.title, id);
      }).immediate();
    },
    inbox(opts = {}) {
      const limit = clampLimit(opts.limit);
      const pos = opts.before === undefined ? null : decodeCursor(opts.before);
      if (opts.before !== undefined && pos === null) throw new CoreError('invalid_request', 'The page position is not valid.');
      // A pinned conversation shows even when archived: pinning says "keep this in front of me".
      const pinned = pos === null ? pinnedFirst.all(MAX_PINNED) : [];
      const rest = Math.max(1, limit - pinned.length);
      const rows =
        pos === null
          ? (opts.includeArchived ? allFirst : inboxFirst).all(rest + 1)
          : (opts.includeArchived ? allBefore : inboxBefore).all(pos.at, pos.id, rest + 1);
      const more = rows.length > rest;
      const page = more ? rows.slice(0, rest) : rows;
      const last = page[page.length - 1];
      return {
        entries: [...pinned, ...page].map(toInboxEntry),
        nextCursor: more && last !== undefined ? encodeCursor({ at: last.last_activity, id: last.id }) : null,
      };
    },
    inboxEntry(id) {
      const row = inboxOne.get(id);
      return row === undefined ? null : toInboxEntry(row);
    },
    upsertContact(c) {
      upsertContact.run({
        jid: c.jid,
        displayName: c.displayName ?? null,
        presence: c.presence ?? null,
        presenceAt: c.presenceAt ?? null,
        hasName: c.displayName !== undefined ? 1 : 0,
        hasPresence: c.presence !== undefined ? 1 : 0,
      });
    },
    getContact(jid) {
      const row = contact.get(jid);
      return row === undefined ? null : toContact(row);
    },
    listContacts(limit = 1000) {
      return contacts.all(clampLimit(limit, 1000, 10_000)).map(toContact);
    },
  };
}

/** A reply's preview is its own text, not the "> " lines quoting the message it answers. */
function withoutQuote(body: string | null, replyTo: number | null): string | null {
  if (body === null || replyTo === null) return body;
  const own = body.slice(quotePrefixLength(body));
  return own.trim() === '' ? body : own;
}

function toInboxEntry(r: InboxRow): InboxEntry {
  return {
    ...toConversation(r),
    preview: r.preview_recalled === null ? makePreview(withoutQuote(r.preview_body, r.preview_reply_to)) : null,
    previewSenderJid: r.preview_sender,
    previewDirection: r.preview_direction,
  };
}
