import { randomUUID } from 'node:crypto';
import { PATIENT_NICK, type StateEvent } from '../../../shared/contract/patient-gateway.ts';
import { buildCommand, readCommandResult, readStateMessage } from '../../../node-shared/xmpp/patient-commands.ts';
import { CoreError } from '../errors.ts';
import type { MessagingEngine } from '../messaging/engine.ts';
import { bareJid } from '../../../node-shared/xmpp/stanzas.ts';
import type { Store, StoredMessage } from '../store/store.ts';
import type { PatientTransport } from './transport.ts';

const COMMAND_TIMEOUT_MS = 15_000;

/**
 * The patient transport over the staff member's messaging engine. Only the gateway speaks as the
 * patient: a state event or a "patient" message counts only from the room occupant PATIENT_NICK,
 * and only when that occupant, if the room shows its real address, is the gateway itself.
 */
export function engineTransport(options: { engine: MessagingEngine; store: Store; me: string; gateway: string; nick: string }): PatientTransport & { dispose(): void } {
  const { engine, store, me, gateway, nick } = options;
  const joined = new Map<string, Promise<void>>();
  const stateListeners = new Set<(room: string, event: StateEvent) => void>();
  const messageListeners = new Set<(message: StoredMessage, fromPatient: boolean) => void>();

  const isGatewaySpeaking = (room: string, from: string): boolean => {
    if (from !== `${room}/${PATIENT_NICK}`) return false;
    const occupant = engine.members(room).find((m) => m.nick === PATIENT_NICK);
    return occupant?.jid == null || bareJid(occupant.jid) === gateway;
  };

  const offs = [
    engine.onRoomStanza((room, stanza) => {
      const event = readStateMessage(stanza);
      if (event === null || !isGatewaySpeaking(room, stanza.attrs.from ?? '')) return;
      for (const l of stateListeners) l(room, event);
    }),
    engine.onIncoming((message) => {
      const conversation = store.getConversation(message.conversationId);
      if (conversation === null || conversation.kind !== 'room') return;
      const fromPatient = isGatewaySpeaking(conversation.jid, message.senderJid);
      for (const l of messageListeners) l(message, fromPatient);
    }),
  ];

  return {
    gateway,
    me,
    store,
    async command(name, request) {
      let answer;
      try {
        answer = await engine.request(buildCommand(gateway, randomUUID(), name, request), COMMAND_TIMEOUT_MS);
      } catch (err) {
        throw new CoreError('network', 'The patient gateway did not answer. Try again.', { cause: err });
      }
      const result = readCommandResult(answer, name);
      if (result === null) throw new CoreError('invalid_response', 'The patient gateway gave an answer Sealwire cannot read.');
      return result;
    },
    ensureJoined(room) {
      let pending = joined.get(room);
      if (pending === undefined || engine.rooms().find((r) => r.jid === room)?.joined !== true) {
        pending = engine.joinRoom(room, nick);
        joined.set(room, pending);
        pending.catch(() => joined.delete(room));
      }
      return pending;
    },
    sendToRoom: (room, body, note) => engine.send({ to: room, body, internalNote: note }),
    onState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    onRoomMessage(listener) {
      messageListeners.add(listener);
      return () => messageListeners.delete(listener);
    },
    dispose() {
      for (const off of offs) off();
    },
  };
}
