import type { Logger } from '../log/logger.ts';
import type { Conversation, ConversationKind, Store, StoredMessage } from '../store/store.ts';
import { ALL_CONTROLS_ON, type MessageStateChange, type MessagingControls, type RejectedStanza, type RejectReason } from './engine-types.ts';
import { GroupCommit } from './group-commit.ts';
import { IqTracker } from '../../../node-shared/xmpp/iq-tracker.ts';
import { Listeners } from './listeners.ts';
import type { ConnectionManager } from './manager.ts';
import { bareJid } from '../../../node-shared/xmpp/stanzas.ts';
import { el, NS_CLIENT, type XmlElement } from '../../../node-shared/xmpp/xml.ts';

const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

/**
 * What every feature module of the engine shares, passed explicitly: the connection, the store,
 * the group commit, the listener sets, and the two facts that change with the session (our bare
 * JID). Feature modules hold their own state; nothing else is shared.
 */
export class EngineContext {
  readonly manager: ConnectionManager;
  readonly store: Store;
  readonly log: Logger;
  readonly now: () => number;
  readonly newId: () => string;
  /** Policy controls as they are now (attachments, read markers, presence). */
  readonly controls: () => MessagingControls;
  readonly commit: GroupCommit;
  readonly iq = new IqTracker();
  readonly incoming = new Listeners<StoredMessage>();
  readonly stateChanges = new Listeners<MessageStateChange>();
  /** Our bare JID (the account's, refreshed at every bind). */
  ownBare: string;
  /** Stanzas refused at the inbound boundary since the engine started. */
  rejectedCount = 0;
  private readonly onRejected: ((event: RejectedStanza) => void) | undefined;

  constructor(deps: {
    manager: ConnectionManager;
    store: Store;
    log: Logger;
    now: () => number;
    newId: () => string;
    onRejected?: ((event: RejectedStanza) => void) | undefined;
    controls?: (() => MessagingControls) | undefined;
  }) {
    this.controls = deps.controls ?? (() => ALL_CONTROLS_ON);
    this.onRejected = deps.onRejected;
    this.manager = deps.manager;
    this.store = deps.store;
    this.log = deps.log;
    this.now = deps.now;
    this.newId = deps.newId;
    this.ownBare = bareJid(deps.manager.account);
    this.commit = new GroupCommit(deps.store, this.listenerError);
  }

  readonly listenerError = (err: unknown): void => this.log.error('messaging.listener_failed', { error: err });

  /**
   * A stanza was refused because it tried to speak for someone it may not (or to move a message
   * that is not its sender's). Counted, logged and handed to the composition's audit hook with
   * ids only: never its content, never who it claimed to be.
   */
  reject(reason: RejectReason, stanza: XmlElement): void {
    this.rejectedCount++;
    const event: RejectedStanza = { reason, id: stanza.attrs.id?.slice(0, 200) ?? null };
    this.log.warn('messaging.rejected', { reason });
    try {
      this.onRejected?.(event);
    } catch (err) {
      this.listenerError(err);
    }
  }

  /** Tell listeners about a message's new state once the current group has committed. */
  emitState(message: StoredMessage | null): void {
    if (message === null) return;
    const change = { messageId: message.id, clientId: message.clientId, conversationId: message.conversationId, state: message.state };
    this.commit.later(() => this.stateChanges.emit(change, this.listenerError));
  }

  emitIncoming(message: StoredMessage): void {
    this.commit.later(() => this.incoming.emit(message, this.listenerError));
  }

  /** A read first: ensureConversation is a write transaction, too dear for every message. */
  conversationFor(kind: ConversationKind, jid: string): Conversation {
    return this.store.findConversation(kind, jid) ?? this.store.ensureConversation({ kind, jid });
  }

  /** Send an IQ and wait for its answer (rejects with IqError; offline is 'not-connected'). */
  request(stanza: XmlElement, timeoutMs = 30_000): Promise<XmlElement> {
    const id = stanza.attrs.id ?? '';
    const answer = this.iq.wait(id, timeoutMs);
    if (!this.manager.send(stanza)) {
      this.iq.handle(el('iq', NS_CLIENT, { type: 'error', id }, el('error', NS_CLIENT, {}, el('not-connected', NS_STANZAS))));
    }
    return answer;
  }

  /** Answer an IQ we do not serve (RFC 6120 §8.4). */
  refuseIq(stanza: XmlElement): void {
    this.manager.send(
      el(
        'iq',
        NS_CLIENT,
        { to: stanza.attrs.from, id: stanza.attrs.id, type: 'error' },
        el('error', NS_CLIENT, { type: 'cancel' }, el('service-unavailable', NS_STANZAS)),
      ),
    );
  }
}
