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
   * Runs the handling of one socket read once online (the engine: its group commit) and calls
   * `durable` once what it stored is committed (with the error if that commit failed). Throwing
   * means nothing of that read was stored.
   */
  read?(handle: () => void, durable: (err: unknown) => void): void;
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

/** Held in place of an SM <a/>: its count is taken when it is written, after the commit. */
const SM_ANSWER = Symbol('sm-answer');
type Held = XmlElement | typeof SM_ANSWER;

/**
 * One socket's lifetime: negotiates TLS, SASL, bind or SM resume, then carries stanzas.
 * It never throws from socket callbacks; every failure ends in `closed(failure)` exactly once.
 */
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
  /** While a read is handled: what we write meanwhile, held until its commit (see read). */
  private holding: Held[] | null = null;
  /** A commit of handled reads failed: the stream is ending and counts no further reads. */
  private commitFailed = false;
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
    if (this.holding !== null) {
      this.holding.push(stanza);
      return true;
    }
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
   * One socket read is handled at once (a message is shown without waiting for the disk) inside the
   * engine's group commit; everything we write meanwhile (receipts, SM <a/>, IQ answers) is held
   * and written only once that commit is done, so nothing is acknowledged before it is durable.
   * Our own sends made outside a read go straight out: the outbox need not wait for its commit.
   * If the commit fails, the held writes are dropped, SM forgets the reads and the stream ends;
   * a resume makes the server send those stanzas again.
   */
  private read(text: string): void {
    // After we closed, the server may still write on the old socket; nothing of it is handled
    // (it was never acknowledged, so the server delivers it again to the next session).
    if (this.ended) return;
    this.keepAlive.heard();
    const read = this.on.read;
    if (!this.isOnline || read === undefined) {
      this.framing.feed(text);
      return;
    }
    const mark = this.sm.mark();
    const held: Held[] = [];
    this.holding = held;
    try {
      read(
        () => this.framing.feed(text),
        (err) => (err === null ? this.release(held) : this.lostCommit(mark)),
      );
    } catch {
      this.holding = null;
      this.lostCommit(mark);
    } finally {
      this.holding = null;
    }
  }

  /** The reads' commit is done: write what their handling wanted to write, in order. */
  private release(held: readonly Held[]): void {
    if (this.ended || this.commitFailed) return;
    // One socket write (one TLS record, one segment) for the whole group, not one per stanza:
    // the server then reads receipts and SM answers together.
    this.transport.cork();
    let counted: boolean;
    try {
      counted = this.writeHeld(held);
    } finally {
      this.transport.uncork();
    }
    if (counted) this.keepAlive.requestAck();
  }

  /** Writes the held items; true when stream management now counts one of them. */
  private writeHeld(held: readonly Held[]): boolean {
    let counted = false;
    for (const item of held) {
      if (item === SM_ANSWER) {
        this.write(el('a', NS_SM, { h: this.sm.inbound }));
        continue;
      }
      this.write(item);
      if (this.smActive && isStanza(item)) {
        this.sm.sent(item);
        counted = true;
      }
    }
    return counted;
  }

  /** The first failed commit rewinds SM to before its reads (later ones are in the same group). */
  private lostCommit(mark: number): void {
    if (this.commitFailed || this.ended) return;
    this.commitFailed = true;
    this.sm.rewind(mark);
    this.fail(new XmppFailure('closed', 'store-commit'));
  }

  private handleOnline(element: XmlElement): void {
    if (element.xmlns === NS_SM) {
      if (element.name === 'r') {
        if (this.holding !== null) this.holding.push(SM_ANSWER);
        else this.write(el('a', NS_SM, { h: this.sm.inbound }));
      }
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
