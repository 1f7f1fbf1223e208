/*
 * Library choice: our own small XMPP client on node:net/node:tls + saxes (a typed, maintained,
 * streaming XML parser), not @xmpp/client 0.14 or StanzaJS.
 * - @xmpp/client has no TLS options hook (no `ca`, no pinning without re-composing it from its
 *   parts), ships no types, has no SCRAM-SHA-256, spends ~0.9 s of CPU per SCRAM-SHA-1 login,
 *   can over-acknowledge stanzas sent before <enabled/> (Prosody then kills the stream and resume
 *   fails) and once let ECONNRESET escape as an unhandled 'error' that crashed Node. Composing it
 *   from its parts still leaves the SM and error-handling behaviour we would have to patch.
 * - StanzaJS has no TCP transport (WebSocket/BOSH only); clinics run plain c2s on 5222/5223.
 * The subset we need (STARTTLS/direct TLS, SASL SCRAM, bind, XEP-0198) is small and each pitfall
 * above is closed by construction and proved by tests. The parts: transport.ts (dialling, TLS,
 * CA, pinning, socket errors), framing.ts (XML stream), sasl.ts + scram.ts, negotiation.ts
 * (STARTTLS, bind, SM enable/resume), keep-alive.ts; this file composes them for one socket.
 */
import { Framing } from '../../../node-shared/xmpp/framing.ts';
import type { RefusedReason } from '../../../node-shared/xmpp/stream-parser.ts';
import { KeepAlive } from './keep-alive.ts';
import { negotiate } from './negotiation.ts';
import type { ScramKeys } from './scram.ts';
import type { Credentials, ServerConfig } from './server-config.ts';
import { isStanza, NS_SM, type SmState } from './stream-management.ts';
import { Transport } from './transport.ts';
import { el, toXml, type XmlElement } from '../../../node-shared/xmpp/xml.ts';
import { XmppFailure } from '../../../node-shared/xmpp/xmpp-failure.ts';

const NS_STREAMS = 'urn:ietf:params:xml:ns:xmpp-streams';

export interface StreamCallbacks {
  /** A stanza from the server (already counted for SM). */
  stanza(element: XmlElement): void;
  /** Stanzas the server acknowledged through SM, in send order. */
  acked(stanzas: readonly XmlElement[]): void;
  /** The stream ended (once); `failure` says why unless we closed it ourselves. */
  closed(failure: XmppFailure | null): void;
  /** A stanza over a structural limit (depth, attribute count) was dropped unread. */
  refused?(reason: RefusedReason): void;
  /**
   * Runs the handling of one socket read once online (the engine: one store transaction for all
   * the stanzas it carries). Throwing means nothing of that read was stored.
   */
  read?(handle: () => void): void;
}

export interface OpenResult {
  readonly jid: string;
  /** The SASL mechanism that authenticated us (for logs and tests). */
  readonly mechanism: string;
  readonly resumed: boolean;
  readonly sm: boolean;
  /** After a password sign-in with SCRAM: what later sign-ins use instead of the password. */
  readonly keys?: ScramKeys;
}

/**
 * One socket's lifetime: negotiates TLS, SASL, bind or SM resume, then carries stanzas.
 * It never throws from socket callbacks; every failure ends in `closed(failure)` exactly once.
 */
/** Reads closer together than this share one batch (one store commit). */
const READ_GROUP_MS = 5;

export class XmppStream {
  private readonly transport: Transport;
  private readonly framing: Framing;
  private readonly keepAlive: KeepAlive;
  private failure: XmppFailure | null = null;
  private ended = false;
  private online = false;
  private smActive = false;
  private readonly server: ServerConfig;
  private readonly creds: Credentials;
  private readonly sm: SmState;
  private readonly on: StreamCallbacks;
  /** Socket reads waiting to join the next batch (see read). */
  private pendingReads: string[] = [];
  private pendingTimer: NodeJS.Timeout | undefined;
  private lastBatchAt = -Infinity;
  jid = '';

  constructor(server: ServerConfig, creds: Credentials, sm: SmState, on: StreamCallbacks) {
    this.server = server;
    this.creds = creds;
    this.sm = sm;
    this.on = on;
    this.transport = new Transport(server, {
      data: (text) => this.read(text),
      failure: (f) => this.fail(f),
    });
    this.framing = new Framing({
      write: (data) => this.transport.write(data),
      fail: (f) => this.fail(f),
      endedWith: () => (this.ended ? (this.failure ?? new XmppFailure('closed', 'local')) : undefined),
      violation: (condition, failure) => {
        // Say why, then end politely (the goodbye is flushed before the socket closes).
        this.transport.end(`<stream:error><${condition} xmlns='${NS_STREAMS}'/></stream:error></stream:stream>`);
        this.fail(failure);
      },
      refused: (top, reason) => {
        // Counted like any stanza we handled, so the server forgets it instead of resending it.
        if (this.smActive && isStanza({ ...top, attrs: {}, children: [] })) this.sm.received();
        this.on.refused?.(reason);
      },
    });
    this.keepAlive = new KeepAlive(server.timeoutMs ?? 15_000, {
      requestAck: () => this.write(el('r', NS_SM)),
      ping: () => this.write(' '),
      smActive: () => this.smActive,
      ended: () => this.ended,
      dead: () => this.fail(new XmppFailure('timeout', 'sm-ack')),
    });
  }

  get isOnline(): boolean {
    return this.online && !this.ended;
  }

  /** Negotiate the whole session. Rejects with XmppFailure; the stream is then already closed. */
  async open(): Promise<OpenResult> {
    const timeoutMs = this.server.timeoutMs ?? 15_000;
    const timer = setTimeout(() => this.fail(new XmppFailure('timeout', 'negotiation')), timeoutMs);
    try {
      await this.transport.dial();
      const result = await negotiate(
        {
          write: (e) => this.write(e),
          next: () => this.framing.next(),
          restart: () => this.framing.restart(this.server.domain),
          tlsSocket: () => this.transport.tlsSocket,
          startTls: () => this.transport.startTls(),
          ack: (h) => this.handleAck(h),
        },
        this.server,
        this.creds,
        this.sm,
      );
      this.smActive = result.sm;
      if (result.resumed) this.resendUnacked();
      this.jid = result.jid;
      this.online = true;
      this.keepAlive.start();
      // Anything that arrived during negotiation after the session began is delivered now.
      const held = [...result.held, ...this.framing.goOnline((e) => this.handleOnline(e))];
      for (const e of held) this.handleOnline(e);
      const opened = { jid: result.jid, mechanism: result.mechanism, resumed: result.resumed, sm: result.sm };
      return result.keys === undefined ? opened : { ...opened, keys: result.keys };
    } catch (err) {
      const failure = err instanceof XmppFailure ? err : new XmppFailure('protocol', 'unexpected');
      this.fail(failure);
      throw this.failure ?? failure;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Send a stanza. Before the session is established (and SM enabled, when offered) nothing is
   * sent, so nothing can be counted twice. Returns false when the stream cannot take it.
   */
  send(stanza: XmlElement): boolean {
    if (!this.isOnline) return false;
    this.write(stanza);
    if (this.smActive && isStanza(stanza)) {
      this.sm.sent(stanza);
      this.keepAlive.requestAck();
    }
    return true;
  }

  /** Close politely; SM state is kept, so a later stream may still resume unless `forget`. */
  close(): void {
    if (this.ended) return;
    this.transport.end('</stream:stream>');
    this.finish(null);
  }

  /** Tear the socket down abruptly (tests simulate a dropped network with this). */
  destroy(): void {
    this.transport.destroy();
    this.fail(new XmppFailure('network', 'destroyed'));
  }

  /** Resend what the server never acknowledged (after a resume), keeping order. */
  private resendUnacked(): void {
    const pending = [...this.sm.unacked];
    for (const stanza of pending) this.write(stanza);
    if (pending.length > 0) this.keepAlive.requestAck();
  }

  private fail(failure: XmppFailure): void {
    if (this.failure === null) this.failure = failure;
    this.finish(failure);
  }

  private finish(failure: XmppFailure | null): void {
    if (this.ended) return;
    this.ended = true;
    this.online = false;
    clearTimeout(this.pendingTimer);
    this.pendingTimer = undefined;
    this.pendingReads = [];
    this.keepAlive.stop();
    this.transport.destroy();
    this.framing.abort(failure ?? new XmppFailure('closed', 'local'));
    try {
      this.on.closed(failure);
    } catch {
      // a listener's bug must not leave the socket half-closed
    }
  }

  private write(element: XmlElement | string): void {
    this.transport.write(typeof element === 'string' ? element : toXml(element));
  }

  /**
   * One socket read is one unit: the stanzas it carries are stored together (`on.read`, one
   * commit), and everything we write meanwhile (receipts, SM <a/>, IQ answers) stays corked until
   * that commit is done, so nothing is acknowledged before it is durable. If the commit fails,
   * those writes are dropped with the socket, SM forgets the read, and a resume makes the server
   * send those stanzas again.
   */
  private read(text: string): void {
    // After we closed, the server may still write on the old socket; nothing of it is handled
    // (it was never acknowledged, so the server delivers it again to the next session).
    if (this.ended) return;
    this.keepAlive.heard();
    if (!this.isOnline || this.on.read === undefined) {
      this.framing.feed(text);
      return;
    }
    // Group by time as well as by read: a server that sends one stanza per network read (ejabberd)
    // would otherwise cost one commit per message. A read arriving within READ_GROUP_MS of the end of the last
    // batch waits for the rest of that window and joins the next batch; an idle stream's first read
    // goes at once, so a single message is never delayed.
    this.pendingReads.push(text);
    if (this.pendingTimer !== undefined) return;
    const wait = this.lastBatchAt + READ_GROUP_MS - performance.now();
    if (wait <= 0) {
      this.readBatch();
      return;
    }
    this.pendingTimer = setTimeout(() => {
      this.pendingTimer = undefined;
      this.readBatch();
    }, Math.ceil(wait));
  }

  private readBatch(): void {
    const text = this.pendingReads.join('');
    this.pendingReads = [];
    const read = this.on.read;
    if (this.ended || read === undefined) return;
    const mark = this.sm.mark();
    this.transport.cork();
    try {
      read(() => this.framing.feed(text));
    } catch {
      this.sm.rewind(mark);
      this.fail(new XmppFailure('closed', 'store-commit'));
      return;
    }
    this.transport.uncork();
    // The window opens when the commit is done: what arrived during it is already waiting.
    this.lastBatchAt = performance.now();
  }

  private handleOnline(element: XmlElement): void {
    if (element.xmlns === NS_SM) {
      if (element.name === 'r') this.write(el('a', NS_SM, { h: this.sm.inbound }));
      else if (element.name === 'a') this.handleAck(element.attrs.h);
      return;
    }
    if (this.smActive && isStanza(element)) this.sm.received();
    try {
      this.on.stanza(element);
    } catch {
      // a handler's bug must not kill the stream
    }
  }

  private handleAck(h: string | undefined): void {
    this.keepAlive.answered();
    let acked: XmlElement[];
    try {
      acked = this.sm.ack(Number(h));
    } catch {
      this.fail(new XmppFailure('protocol', 'sm-ack'));
      return;
    }
    if (acked.length > 0) {
      try {
        this.on.acked(acked);
      } catch {
        // see handleOnline
      }
    }
    if (this.sm.unacked.length > 0 && this.online) this.keepAlive.requestAck();
  }
}
