/**
 * Durability test child: writes messages (incoming, and outgoing through the outbox) one
 * transaction at a time and reports each only after it committed. The parent kills it with
 * SIGKILL at a random moment and then checks that everything reported is still there.
 *
 * argv: <store file> <key hex> <id prefix>. Output lines: "R" (ready), "I <id>", "O <id>", "A <id>".
 */
import { openStore } from '../electron/core/store/store.ts';

const [file, keyHex, prefix] = process.argv.slice(2) as [string, string, string];
const store = openStore({ file, key: Buffer.from(keyHex, 'hex'), create: true });
const conv = store.ensureConversation({ kind: 'room', jid: 'durability@rooms.clinic.test' });
const say = (line: string) => process.stdout.write(`${line}\n`);
say('R');
let n = 0;
for (;;) {
  const id = `${prefix}-${n++}`;
  if (n % 3 === 0) {
    store.enqueueOutgoing({ clientId: id, conversationId: conv.id, senderJid: 'me@clinic.test', body: `out ${id}`, sentAt: Date.now() });
    say(`O ${id}`);
  } else {
    store.insertMessage({ clientId: id, conversationId: conv.id, senderJid: 'peer@clinic.test', body: `in ${id} ${'x'.repeat(n % 500)}`, sentAt: Date.now(), direction: 'in' });
    say(`I ${id}`);
  }
  if (n % 10 === 0) {
    const oldest = store.outboxDue(Number.MAX_SAFE_INTEGER, 1)[0];
    if (oldest !== undefined && store.outboxAck(oldest.message.clientId, `srv-${oldest.message.clientId}`)) say(`A ${oldest.message.clientId}`);
  }
}
