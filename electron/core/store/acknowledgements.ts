import type { Db } from './connection.ts';
import type { Store } from './types.ts';

type AcknowledgementOps = Pick<Store, 'addAcknowledgement' | 'acknowledgementsIn' | 'pendingUrgent'>;

/** Who acknowledged which urgent message, and the incoming urgent messages nobody has acknowledged yet. */
export function acknowledgementOps(db: Db): AcknowledgementOps {
  const insert = db.prepare('INSERT OR IGNORE INTO acknowledgements (message_id, by_jid, at) VALUES (?, ?, ?)');
  const inConversation = db.prepare<[number], { messageId: number; byJid: string; at: number }>(
    `SELECT a.message_id AS messageId, a.by_jid AS byJid, a.at AS at
     FROM acknowledgements a JOIN messages m ON m.id = a.message_id
     WHERE m.conversation_id = ? ORDER BY a.at, a.by_jid LIMIT 2000`,
  );
  const pending = db.prepare<[number, number], { conversationId: number; messageId: number; senderJid: string; sentAt: number }>(
    `SELECT m.conversation_id AS conversationId, m.id AS messageId, m.sender_jid AS senderJid, m.sent_at AS sentAt
     FROM messages m INDEXED BY messages_urgent_in
     WHERE m.priority = 'urgent' AND m.direction = 'in' AND m.sent_at >= ? AND m.recalled_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM acknowledgements a WHERE a.message_id = m.id)
     ORDER BY m.sent_at LIMIT ?`,
  );
  return {
    addAcknowledgement: (messageId, byJid, at) => insert.run(messageId, byJid, at).changes > 0,
    acknowledgementsIn: (conversationId) => inConversation.all(conversationId),
    pendingUrgent: (since, limit) => pending.all(since, limit),
  };
}
