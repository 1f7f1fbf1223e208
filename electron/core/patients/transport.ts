import type { CommandName, CommandRequest, CommandResult, StateEvent } from '../../../shared/contract/patient-gateway.ts';
import type { StoredMessage, Store } from '../store/store.ts';

/**
 * What the patients service needs from messaging: commands to the gateway, the conversation
 * rooms, and the gateway's state events. engine-transport.ts builds it over the messaging engine;
 * keeping it an interface keeps the service's rules readable on their own.
 */
export interface PatientTransport {
  /** The gateway component's address (`patients.<domain>`). */
  readonly gateway: string;
  /** Our own bare JID. */
  readonly me: string;
  readonly store: Store;
  /** Runs one ad-hoc command; throws CoreError('network') when the gateway does not answer. */
  command<N extends CommandName>(name: N, request: CommandRequest<N>): Promise<CommandResult<N>>;
  /** Joins the conversation room (once; remembered across restarts by the engine). */
  ensureJoined(room: string): Promise<void>;
  /** Writes to the store first, then sends; a note carries the gateway's note marker, always. */
  sendToRoom(room: string, body: string, note: boolean): StoredMessage;
  /** A state event the gateway posted into a room (only the gateway's own, checked by the transport). */
  onState(listener: (room: string, event: StateEvent) => void): () => void;
  /** A message stored from a conversation room (live or from its archive). */
  onRoomMessage(listener: (message: StoredMessage, fromPatient: boolean) => void): () => void;
}
