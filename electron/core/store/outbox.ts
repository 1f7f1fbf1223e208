import { CoreError } from '../errors.ts';
import type { Db } from './connection.ts';
import { clampLimit } from './format.ts';
import type { MessageOps } from './messages.ts';
import { MESSAGE_COLUMNS, toMessage, type MessageRow } from './rows.ts';
import type { Store } from './types.ts';

type OutboxOps = Pick<
  Store,
  'enqueueOutgoing' | 'outboxDue' | 'outboxSize' | 'outboxAck' | 'outboxRetryLater' | 'outboxGiveUp' | 'requeue'
>;

interface DueRow extends MessageRow {
  seq: number;
  attempts: number;
  next_attempt_at: number;
}

export function outboxOps(db: Db, messages: MessageOps, now: () => number): OutboxOps {
  const add = db.prepare<[string, number]>('INSERT OR IGNORE INTO outbox (client_id, next_attempt_at) VALUES (?, ?)');
  const seqOf = db.prepare<[string], { seq: number }>('SELECT seq FROM outbox WHERE client_id = ?');
  // CROSS JOIN keeps the (small) outbox as the outer loop: once ANALYZE has counted a big
  // messages table and an empty outbox, the planner otherwise scans every message.
  const due = db.prepare<[number, number], DueRow>(
    `SELECT o.seq, o.attempts, o.next_attempt_at, ${MESSAGE_COLUMNS}
     FROM outbox o CROSS JOIN messages m ON m.client_id = o.client_id
     WHERE o.next_attempt_at <= ? ORDER BY o.seq LIMIT ?`,
  );
  const size = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM outbox');
  const remove = db.prepare<[string]>('DELETE FROM outbox WHERE client_id = ?');
  const later = db.prepare<[number, string]>('UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE client_id = ?');
  const stateOf = db.prepare<[string], { state: string }>('SELECT state FROM messages WHERE client_id = ?');
  const toQueued = db.prepare<[string]>(`UPDATE messages SET state = 'queued', failure = NULL WHERE client_id = ? AND state = 'failed'`);
  // A final error (RFC 6120 cancel/auth) fails a message even when the server's acknowledgement came
  // first: the outcome must not depend on which of the two arrives first. Delivered/read stay.
  const toFailed = db.prepare<[string | null, string]>(`UPDATE messages SET state = 'failed', failure = ? WHERE client_id = ? AND state IN ('queued', 'sent')`);

  const enqueue = db.transaction((m: Parameters<OutboxOps['enqueueOutgoing']>[0]) => {
    const result = messages.insertInTx({ ...m, direction: 'out', state: 'queued', receivedAt: null });
    // A resend of a message that already left must not go out twice.
    const state = stateOf.get(m.clientId)?.state;
    if (result.inserted || state === 'queued') add.run(m.clientId, now());
    return { ...result, seq: seqOf.get(m.clientId)?.seq ?? 0 };
  });

  return {
    enqueueOutgoing: (m) => {
      try {
        return enqueue.immediate(m);
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
          throw new CoreError('not_found', 'That conversation was not found.', { cause: err });
        }
        throw err;
      }
    },
    outboxDue: (at = now(), limit = 100) =>
      due.all(at, clampLimit(limit, 100, 1000)).map((r) => ({
        seq: r.seq,
        attempts: r.attempts,
        nextAttemptAt: r.next_attempt_at,
        message: toMessage(r),
      })),
    outboxSize: () => (size.get() as { n: number }).n,
    outboxAck: (clientId, serverId) =>
      db
        .transaction(() => {
          const removed = remove.run(clientId).changes > 0;
          if (stateOf.get(clientId) === undefined) return removed;
          if (serverId) messages.setServerId(clientId, serverId);
          messages.advanceState(clientId, 'sent');
          return removed;
        })
        .immediate(),
    outboxRetryLater: (clientId, nextAttemptAt) => {
      later.run(nextAttemptAt, clientId);
    },
    outboxGiveUp: (clientId, failure) => {
      db.transaction(() => {
        remove.run(clientId);
        toFailed.run(failure ?? null, clientId);
      }).immediate();
    },
    requeue: (clientId) =>
      db
        .transaction(() => {
          if (toQueued.run(clientId).changes === 0) return false;
          add.run(clientId, now());
          return true;
        })
        .immediate(),
  };
}

