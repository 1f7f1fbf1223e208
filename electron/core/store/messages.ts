import { CoreError } from '../errors.ts';
import type { Db } from './connection.ts';
import { clampLimit, decodeCursor, encodeCursor, STATE_RANK, type Position } from './format.ts';
import { MESSAGE_COLUMNS, toMessage, type MessageRow } from './rows.ts';
import { searchOps } from './search.ts';
import type { InsertResult, MessageState, NewMessage, Store } from './types.ts';

export { SEARCH_WINDOW } from './search.ts';

export type MessageOps = Pick<
  Store,
  | 'insertMessage'
  | 'insertMessages'
  | 'getMessage'
  | 'getMessageByClientId'
  | 'getMessageByServerId'
  | 'setServerId'
  | 'advanceState'
  | 'sentUnreadBefore'
  | 'sentWithoutReceipt'
  | 'editMessage'
  | 'recallMessage'
  | 'messagesPage'
  | 'search'
  | 'markRead'
  | 'markUnread'
> & {
  /** The insert without its own transaction, for callers composing a larger one. */
  insertInTx(message: NewMessage): InsertResult;
  /** Recompute a conversation's unread count and newest message after deletions. */
  refreshConversation(conversationId: number): void;
};

const NOT_FOUND = 'That message was not found.';
const BAD_CURSOR = 'The page position is not valid.';
const MAX_BODY = 100_000;

/** SQL CASE mirroring STATE_RANK, so "forward only" is decided inside the UPDATE itself. */
const RANK_SQL = `CASE state ${Object.entries(STATE_RANK)
  .map(([s, r]) => `WHEN '${s}' THEN ${r}`)
  .join(' ')} END`;

export function messageOps(db: Db, now: () => number): MessageOps {
  const select = `SELECT ${MESSAGE_COLUMNS} FROM messages m`;
  const byId = db.prepare<[number], MessageRow>(`${select} WHERE m.id = ?`);
  const sentUnread = db.prepare<[number, number, number], { client_id: string }>(
    `SELECT client_id FROM messages WHERE conversation_id = ? AND direction = 'out' AND id < ? AND state IN ('sent', 'delivered') ORDER BY id LIMIT ?`,
  );
  const unreceipted = db.prepare<[number, number, number], { client_id: string }>(
    `SELECT client_id FROM messages WHERE conversation_id = ? AND sent_at >= ? AND direction = 'out' AND state = 'sent' ORDER BY sent_at, id LIMIT ?`,
  );
  const byClient = db.prepare<[string], MessageRow>(`${select} WHERE m.client_id = ?`);
  const byServer = db.prepare<[number, string], MessageRow>(`${select} WHERE m.conversation_id = ? AND m.server_id = ?`);
  // Lean lookups for the insert path: no attachment count, only what merging needs.
  type Existing = Pick<MessageRow, 'id' | 'server_id' | 'conversation_id' | 'direction'>;
  const leanByClient = db.prepare<[string], Existing>('SELECT id, server_id, conversation_id, direction FROM messages WHERE client_id = ?');
  const leanByServer = db.prepare<[number, string], Existing>(
    'SELECT id, server_id, conversation_id, direction FROM messages WHERE conversation_id = ? AND server_id = ?',
  );
  const insert = db.prepare(
    `INSERT INTO messages (client_id, server_id, conversation_id, sender_jid, body, sent_at, received_at, direction, state, priority, patient_tag, reply_to)
     VALUES (@clientId, @serverId, @conversationId, @senderJid, @body, @sentAt, @receivedAt, @direction, @state, @priority, @patientTag, @replyTo)`,
  );
  const bumpConversation = db.prepare(
    `UPDATE conversations SET last_activity = @at, last_message_id = @id
     WHERE id = @conv AND (last_message_id IS NULL OR @at > last_activity OR (@at = last_activity AND @id > last_message_id))`,
  );
  const bumpUnread = db.prepare('UPDATE conversations SET unread_count = unread_count + 1 WHERE id = ?');
  const countUnread = db.prepare<[number], { n: number }>(
    `SELECT count(*) AS n FROM messages WHERE conversation_id = ? AND direction = 'in' AND state <> 'read'`,
  );
  const setUnread = db.prepare('UPDATE conversations SET unread_count = ? WHERE id = ?');
  // No index of unread messages (it cost a quarter of the pages every incoming batch writes):
  // the conversation's counter is kept exact, and read markers walk the timeline index back
  // from their position until they have met that many unread messages.
  const unreadOf = db.prepare<[number], number>('SELECT unread_count FROM conversations WHERE id = ?').pluck();
  const lessUnread = db.prepare<[number, number], number>(
    'UPDATE conversations SET unread_count = max(0, unread_count - ?) WHERE id = ? RETURNING unread_count',
  ).pluck();
  const newest = db.prepare<[number], { id: number; sent_at: number }>(
    'SELECT id, sent_at FROM messages WHERE conversation_id = ? ORDER BY sent_at DESC, id DESC LIMIT 1',
  );
  const setNewest = db.prepare('UPDATE conversations SET last_message_id = ?, last_activity = coalesce(?, last_activity) WHERE id = ?');
  const fillServerId = db.prepare('UPDATE messages SET server_id = ? WHERE id = ? AND server_id IS NULL');
  const advance = db.prepare<[string, number, number]>(`UPDATE messages SET state = ? WHERE id = ? AND ${RANK_SQL} < ?`);
  const edit = db.prepare('UPDATE messages SET body = ?, edited_at = ? WHERE id = ? AND recalled_at IS NULL');
  const recall = db.prepare(`UPDATE messages SET body = '', recalled_at = ? WHERE id = ? AND recalled_at IS NULL`);
  const latest = db.prepare<[number, number], MessageRow>(
    `${select} WHERE m.conversation_id = ? ORDER BY m.sent_at DESC, m.id DESC LIMIT ?`,
  );
  const older = db.prepare<[number, number, number, number], MessageRow>(
    `${select} WHERE m.conversation_id = ? AND (m.sent_at, m.id) < (?, ?) ORDER BY m.sent_at DESC, m.id DESC LIMIT ?`,
  );
  const newer = db.prepare<[number, number, number, number], MessageRow>(
    `${select} WHERE m.conversation_id = ? AND (m.sent_at, m.id) > (?, ?) ORDER BY m.sent_at ASC, m.id ASC LIMIT ?`,
  );
  const hasOlder = db.prepare<[number, number, number], { x: number }>(
    'SELECT 1 AS x FROM messages WHERE conversation_id = ? AND (sent_at, id) < (?, ?) LIMIT 1',
  );
  const hasNewer = db.prepare<[number, number, number], { x: number }>(
    'SELECT 1 AS x FROM messages WHERE conversation_id = ? AND (sent_at, id) > (?, ?) LIMIT 1',
  );
  const markReadStmt = db.prepare<[number, number, number, number]>(
    `UPDATE messages SET state = 'read' WHERE id IN (
       SELECT id FROM messages WHERE conversation_id = ? AND (sent_at, id) <= (?, ?) AND direction = 'in' AND state <> 'read'
       ORDER BY sent_at DESC, id DESC LIMIT ?)`,
  );

  // "Mark unread" walks the timeline index back to the newest incoming message that still has text.
  const newestIncoming = db.prepare<[number], { id: number; state: MessageState }>(
    `SELECT id, state FROM messages WHERE conversation_id = ? AND direction = 'in' AND recalled_at IS NULL ORDER BY sent_at DESC, id DESC LIMIT 1`,
  );
  const unread = db.prepare(`UPDATE messages SET state = 'delivered' WHERE id = ? AND state = 'read'`);

  const refreshUnread = (conv: number) => {
    const n = (countUnread.get(conv) as { n: number }).n;
    setUnread.run(n, conv);
    return n;
  };

  const find = (m: Pick<NewMessage, 'clientId' | 'serverId' | 'conversationId'>) =>
    leanByClient.get(m.clientId) ?? (m.serverId ? leanByServer.get(m.conversationId, m.serverId) : undefined);

  const insertInTx = (m: NewMessage): InsertResult => {
    if (m.body.length > MAX_BODY) throw new CoreError('invalid_request', 'The message is too long.');
    const state: MessageState = m.state ?? (m.direction === 'out' ? 'queued' : 'delivered');
    const existing = find(m);
    if (existing !== undefined) {
      // A carbon, MAM copy or resend of a message we already hold: merge what is new, never regress.
      if (m.serverId && existing.server_id === null && leanByServer.get(existing.conversation_id, m.serverId) === undefined) {
        fillServerId.run(m.serverId, existing.id);
      }
      if (advance.run(state, existing.id, STATE_RANK[state]).changes > 0 && existing.direction === 'in' && state === 'read') {
        lessUnread.get(1, existing.conversation_id);
      }
      return { id: existing.id, inserted: false };
    }
    const id = Number(
      insert.run({
        clientId: m.clientId,
        serverId: m.serverId ?? null,
        conversationId: m.conversationId,
        senderJid: m.senderJid,
        body: m.body,
        sentAt: m.sentAt,
        receivedAt: m.receivedAt !== undefined ? m.receivedAt : m.direction === 'in' ? now() : null,
        direction: m.direction,
        state,
        priority: m.priority ?? 'normal',
        patientTag: m.patientTag ?? null,
        replyTo: m.replyToId ?? null,
      }).lastInsertRowid,
    );
    bumpConversation.run({ at: m.sentAt, id, conv: m.conversationId });
    if (m.direction === 'in' && state !== 'read') bumpUnread.run(m.conversationId);
    return { id, inserted: true };
  };
  const insertTx = db.transaction(insertInTx);
  const insertManyTx = db.transaction((batch: readonly NewMessage[]) => batch.map(insertInTx));
  const foreignKeyToNotFound = (err: unknown): never => {
    if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
      throw new CoreError('not_found', 'That conversation was not found.', { cause: err });
    }
    throw err;
  };

  const mustGetByClient = (clientId: string) => {
    const row = byClient.get(clientId);
    if (row === undefined) throw new CoreError('not_found', NOT_FOUND);
    return row;
  };

  const parse = (cursor: string): Position => {
    const pos = decodeCursor(cursor);
    if (pos === null) throw new CoreError('invalid_request', BAD_CURSOR);
    return pos;
  };

  return {
    ...searchOps(db),
    insertInTx,
    insertMessage: (m) => {
      try {
        return insertTx.immediate(m);
      } catch (err) {
        return foreignKeyToNotFound(err);
      }
    },
    insertMessages: (batch) => {
      try {
        return insertManyTx.immediate(batch);
      } catch (err) {
        return foreignKeyToNotFound(err);
      }
    },
    refreshConversation(conv) {
      refreshUnread(conv);
      const top = newest.get(conv);
      setNewest.run(top?.id ?? null, top?.sent_at ?? null, conv);
    },
    getMessage: (id) => {
      const r = byId.get(id);
      return r === undefined ? null : toMessage(r);
    },
    getMessageByClientId: (clientId) => {
      const r = byClient.get(clientId);
      return r === undefined ? null : toMessage(r);
    },
    getMessageByServerId: (conv, serverId) => {
      const r = byServer.get(conv, serverId);
      return r === undefined ? null : toMessage(r);
    },
    setServerId: (clientId, serverId) => {
      db.transaction(() => {
        const row = mustGetByClient(clientId);
        if (byServer.get(row.conversation_id, serverId) === undefined) fillServerId.run(serverId, row.id);
      }).immediate();
    },
    advanceState: (clientId, state) =>
      db
        .transaction(() => {
          const row = mustGetByClient(clientId);
          const changed = advance.run(state, row.id, STATE_RANK[state]).changes > 0;
          // Forward only: a change to 'read' was a change from unread.
          if (changed && row.direction === 'in' && state === 'read') lessUnread.get(1, row.conversation_id);
          return changed;
        })
        .immediate(),
    sentWithoutReceipt: (conv, since, limit = 200) => unreceipted.all(conv, since, Math.min(Math.max(limit, 1), 1000)).map((r) => r.client_id),
    sentUnreadBefore: (conv, messageId, limit = 500) => sentUnread.all(conv, messageId, Math.min(Math.max(limit, 1), 5000)).map((r) => r.client_id),
    editMessage: (clientId, body, editedAt) => {
      if (body.length > MAX_BODY) throw new CoreError('invalid_request', 'The message is too long.');
      return edit.run(body, editedAt, mustGetByClient(clientId).id).changes > 0;
    },
    recallMessage: (clientId, recalledAt) => recall.run(recalledAt, mustGetByClient(clientId).id).changes > 0,
    messagesPage(conv, q = {}) {
      const limit = clampLimit(q.limit);
      let rows: MessageRow[];
      if (q.after !== undefined) {
        const p = parse(q.after);
        rows = newer.all(conv, p.at, p.id, limit);
      } else if (q.before !== undefined) {
        const p = parse(q.before);
        rows = older.all(conv, p.at, p.id, limit).reverse();
      } else {
        rows = latest.all(conv, limit).reverse();
      }
      const first = rows[0];
      const last = rows[rows.length - 1];
      return {
        messages: rows.map(toMessage),
        olderCursor:
          first !== undefined && hasOlder.get(conv, first.sent_at, first.id) !== undefined
            ? encodeCursor({ at: first.sent_at, id: first.id })
            : null,
        newerCursor:
          last !== undefined && hasNewer.get(conv, last.sent_at, last.id) !== undefined
            ? encodeCursor({ at: last.sent_at, id: last.id })
            : null,
      };
    },
    markRead(conv, upTo) {
      return db
        .transaction(() => {
          const target = byId.get(upTo);
          if (target === undefined || target.conversation_id !== conv) throw new CoreError('not_found', NOT_FOUND);
          const unread = unreadOf.get(conv) ?? 0;
          const newlyRead = unread === 0 ? 0 : markReadStmt.run(conv, target.sent_at, target.id, unread).changes;
          return { newlyRead, unreadCount: lessUnread.get(newlyRead, conv) ?? 0 };
        })
        .immediate();
    },
    markUnread(conv) {
      return db
        .transaction(() => {
          if (unreadOf.get(conv) === undefined) throw new CoreError('not_found', 'That conversation was not found.');
          const target = newestIncoming.get(conv);
          if (target !== undefined && unread.run(target.id).changes > 0) bumpUnread.run(conv);
          return unreadOf.get(conv) ?? 0;
        })
        .immediate();
    },
  };
}
