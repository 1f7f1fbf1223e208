import type { Logger } from '../log/logger.ts';
import { backoffDelay } from './backoff.ts';
import type { ScramKeys } from './scram.ts';
import { addressesOf, atAddress, type Credentials, type ServerConfig } from './server-config.ts';
import { finalFailure, XmppFailure } from '../../../node-shared/xmpp/xmpp-failure.ts';
import { XmppStream } from './xmpp-stream.ts';
import { Listeners } from './listeners.ts';
import { SmState } from './stream-management.ts';
import type { XmlElement } from '../../../node-shared/xmpp/xml.ts';

/**
 * offline: not started or stopped. connecting: first attempt. online: session up (SM enabled when offered).
 * reconnecting: lost, retrying with backoff. auth_failed / cert_failed / insecure_server: stopped until
 * the configuration changes; retrying would only repeat the refusal (or lock the account).
 */
export type ConnectionState = 'offline' | 'connecting' | 'online' | 'reconnecting' | 'auth_failed' | 'cert_failed' | 'insecure_server';

export interface OnlineInfo {
  readonly jid: string;
  /** True when XEP-0198 resumed the previous session: nothing was lost, nothing needs re-sync. */
  readonly resumed: boolean;
}

export interface ConnectionManagerOptions {
  readonly server: ServerConfig;
  readonly credentials: Credentials;
  /**
   * The first password sign-in produced SCRAM keys: from then on the manager signs in with them
   * and forgets the password; the owner stores them in place of the password.
   */
  readonly onSecrets?: (keys: ScramKeys) => void;
  readonly log: Logger;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  readonly random?: () => number;
}

export interface ConnectionManager {
  readonly state: ConnectionState;
  /** Full JID of the current session ('' before the first bind). */
  readonly jid: string;
  /** Our bare JID, known before connecting. */
  readonly account: string;
  /** Where and how we connect (HTTP upload reuses its CA and host). */
  readonly server: ServerConfig;
  start(): void;
  stop(): Promise<void>;
  /** Sends now if online; returns false otherwise (callers keep the stanza in their outbox). */
  send(stanza: XmlElement): boolean;
  onState(listener: (state: ConnectionState) => void): () => void;
  onOnline(listener: (info: OnlineInfo) => void): () => void;
  onStanza(listener: (stanza: XmlElement) => void): () => void;
  onAcked(listener: (stanzas: readonly XmlElement[]) => void): () => void;
  /**
   * Wraps the handling of each socket read (the engine stores its stanzas in its group commit and
   * calls `durable` once they are committed). Our writes made while handling it are held until
   * `durable(null)`; if it throws or `durable` gets an error, the read counts as not received.
   */
  setReadBatch(batch: ((handle: () => void, durable: (err: unknown) => void) => void) | null): void;
  /** Drop the socket without a goodbye, as a network failure would (tests, sleep detection). */
  dropSocket(): void;
  /** Wait until online (rejects on a terminal failure state or timeout). */
  waitOnline(timeoutMs?: number): Promise<void>;
}

const TERMINAL: ReadonlySet<ConnectionState> = new Set(['auth_failed', 'cert_failed', 'insecure_server']);

const TERMINAL_STATE = { auth: 'auth_failed', certificate: 'cert_failed', insecure: 'insecure_server' } as const;

function terminalStateFor(failure: XmppFailure): ConnectionState | null {
  const final = finalFailure(failure.kind);
  return final === null ? null : TERMINAL_STATE[final];
}

export function createConnectionManager(options: ConnectionManagerOptions): ConnectionManager {
  const { log } = options;
  const sm = new SmState();
  const stateListeners = new Listeners<ConnectionState>();
  const onlineListeners = new Listeners<OnlineInfo>();
  const stanzaListeners = new Listeners<XmlElement>();
  const ackListeners = new Listeners<readonly XmlElement[]>();
  const listenerError = (err: unknown) => log.error('messaging.listener_failed', { error: err });

  let state: ConnectionState = 'offline';
  let running = false;
  let stream: XmppStream | undefined;
  let attempt = 0;
  // Streams in a row that the server ended by breaking an input limit: a server that sends the
  // same oversized stanza after every reconnect gets a growing backoff, not a reconnect loop.
  let violations = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let jid = '';
  let readBatch: ((handle: () => void, durable: (err: unknown) => void) => void) | null = null;
  let credentials = options.credentials;
  // Several addresses (cluster nodes): a failed attempt moves on to the next one at once; only a
  // whole round of failures waits for the backoff. After a loss we start at the one that worked.
  const addresses = addressesOf(options.server);
  let current = 0;
  let failedInRound = 0;

  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    log.info('messaging.connection_state', { state: next });
    stateListeners.emit(next, listenerError);
  };

  const scheduleRetry = () => {
    if (!running) return;
    setState('reconnecting');
    const delay = backoffDelay(attempt, {
      baseMs: options.backoffBaseMs ?? 500,
      maxMs: options.backoffMaxMs ?? 60_000,
      ...(options.random ? { random: options.random } : {}),
    });
    attempt++;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => void connect(), delay);
  };

  const connect = async () => {
    if (!running) return;
    const s = new XmppStream(atAddress(options.server, addresses[current]!), credentials, sm, {
      stanza: (e) => stanzaListeners.emit(e, listenerError),
      acked: (e) => ackListeners.emit(e, listenerError),
      read: (handle, durable) => {
        if (readBatch !== null) readBatch(handle, durable);
        else {
          handle();
          durable(null);
        }
      },
      refused: (reason) => log.warn('messaging.stanza_refused', { reason }),
      closed: (failure) => {
        // Failures while negotiating are handled where open() rejects, once.
        if (stream !== s || !established) return;
        stream = undefined;
        if (!running) return;
        log.warn('messaging.connection_lost', { kind: failure?.kind ?? 'closed', detail: failure?.detail ?? '' });
        if (failure?.detail.startsWith('limit-') === true) attempt = ++violations;
        else violations = 0;
        scheduleRetry();
      },
    });
    stream = s;
    let established = false;
    try {
      const result = await s.open();
      if (!running || stream !== s) {
        s.close();
        return;
      }
      if (!s.isOnline) throw new XmppFailure('network', 'closed');
      established = true;
      attempt = 0;
      failedInRound = 0;
      if (result.keys !== undefined) {
        credentials = { username: credentials.username, scram: result.keys, ...(credentials.resource ? { resource: credentials.resource } : {}) };
        try {
          options.onSecrets?.(result.keys);
        } catch (err) {
          listenerError(err);
        }
      }
      jid = result.jid || jid;
      log.info('messaging.online', { resumed: result.resumed, sm: result.sm, mechanism: result.mechanism, address: current });
      setState('online');
      onlineListeners.emit({ jid, resumed: result.resumed }, listenerError);
    } catch (err) {
      const failure = err instanceof XmppFailure ? err : new XmppFailure('protocol', 'unexpected');
      if (stream === s) stream = undefined;
      if (!running) return;
      log.warn('messaging.connect_failed', { kind: failure.kind, detail: failure.detail });
      const terminal = terminalStateFor(failure);
      if (terminal !== null) {
        running = false;
        setState(terminal);
        return;
      }
      current = (current + 1) % addresses.length;
      if (++failedInRound < addresses.length) {
        clearTimeout(retryTimer);
        retryTimer = setTimeout(() => void connect(), 0);
        return;
      }
      failedInRound = 0;
      scheduleRetry();
    }
  };

  return {
    get state() {
      return state;
    },
    get jid() {
      return jid;
    },
    account: `${options.credentials.username}@${options.server.domain}`.toLowerCase(),
    server: options.server,
    start() {
      if (running) return;
      running = true;
      attempt = 0;
      failedInRound = 0;
      setState(state === 'offline' || TERMINAL.has(state) ? 'connecting' : 'reconnecting');
      void connect();
    },
    async stop() {
      running = false;
      clearTimeout(retryTimer);
      const s = stream;
      stream = undefined;
      s?.close();
      sm.reset();
      setState('offline');
    },
    send(stanza) {
      // The stream, not our state, decides: stanzas held during negotiation (a resume's redelivery)
      // are handled just before we announce 'online', and their receipts must still go out.
      if (stream === undefined) return false;
      return stream.send(stanza);
    },
    onState: (l) => stateListeners.add(l),
    onOnline: (l) => onlineListeners.add(l),
    onStanza: (l) => stanzaListeners.add(l),
    onAcked: (l) => ackListeners.add(l),
    setReadBatch(batch) {
      readBatch = batch;
    },
    dropSocket() {
      stream?.destroy();
    },
    waitOnline(timeoutMs = 20_000) {
      if (state === 'online') return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          off();
          reject(new Error(`not online after ${timeoutMs} ms (state ${state})`));
        }, timeoutMs);
        const off = stateListeners.add((s) => {
          if (s === 'online') {
            clearTimeout(timer);
            off();
            resolve();
          } else if (TERMINAL.has(s)) {
            clearTimeout(timer);
            off();
            reject(new Error(`connection ${s}`));
          }
        });
      });
    },
  };
}
