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
 * above is closed by construction here and proved by tests: TLS always verified against the
 * configured CA (optional SPKI pinning); SCRAM via native PBKDF2; PLAIN only when allowed;
 * stanzas refused until <enabled/> arrived; every socket error becomes a typed failure.
 */
import { createHash, X509Certificate } from 'node:crypto';
import net from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import tls from 'node:tls';
import { createScramClient, ScramError, type ScramClient } from './scram.ts';
import { StreamParser } from './stream-parser.ts';
import { isStanza, NS_SM, type SmState } from './stream-management.ts';
import { child, children, el, escapeXml, NS_CLIENT, NS_STREAM, text, toXml, type XmlElement } from './xml.ts';

export const NS_TLS = 'urn:ietf:params:xml:ns:xmpp-tls';
export const NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';
export const NS_BIND = 'urn:ietf:params:xml:ns:xmpp-bind';
export const NS_SESSION = 'urn:ietf:params:xml:ns:xmpp-session';

export interface ServerConfig {
  /** The XMPP domain (also the TLS server name checked against the certificate). */
  readonly domain: string;
  /** Host to dial; defaults to the domain. */
  readonly host?: string;
  readonly port: number;
  /** 'starttls' for 5222, 'directtls' for XEP-0368 (5223). */
  readonly mode: 'starttls' | 'directtls';
  /** The organisation's CA (PEM). When given it replaces the system roots. */
  readonly ca?: string;
  /** Optional pinning: base64 SHA-256 of the server certificate's SubjectPublicKeyInfo. */
  readonly pinSha256?: readonly string[];
  /** SASL PLAIN is refused unless policy allows it (and then only inside TLS, which is always on). */
  readonly allowPlain?: boolean;
  readonly timeoutMs?: number;
}

export interface Credentials {
  readonly username: string;
  readonly password: string;
  readonly resource?: string;
}

export type FailureKind =
  | 'network'
  | 'certificate'
  | 'auth'
  | 'plain_refused'
  | 'no_mechanism'
  | 'tls_required'
  | 'protocol'
  | 'timeout'
  | 'closed';

/** Every way a connection can fail; `detail` is a protocol code, never PHI or a password. */
export class XmppFailure extends Error {
  override readonly name = 'XmppFailure';
  readonly kind: FailureKind;
  readonly detail: string;
  constructor(kind: FailureKind, detail: string) {
    super(`${kind}: ${detail}`);
    this.kind = kind;
    this.detail = detail;
  }
}

export interface StreamCallbacks {
  /** A stanza from the server (already counted for SM). */
  stanza(element: XmlElement): void;
  /** Stanzas the server acknowledged through SM, in send order. */
  acked(stanzas: readonly XmlElement[]): void;
  /** The stream ended (once); `failure` says why unless we closed it ourselves. */
  closed(failure: XmppFailure | null): void;
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
}

/** The HPKP-style pin: SHA-256 of the DER SubjectPublicKeyInfo (survives re-issuing with the same key). */
export const spkiSha256 = (cert: tls.PeerCertificate): string =>
  createHash('sha256')
    .update(new X509Certificate(cert.raw).publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64');

const CERT_CODES = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ALTNAME|PIN_MISMATCH|HOSTNAME/;

function classifySocketError(err: unknown, tlsPhase: boolean): XmppFailure {
  const code = (err as { code?: unknown })?.code;
  const c = typeof code === 'string' ? code : 'ERR';
  if (CERT_CODES.test(c)) return new XmppFailure('certificate', c);
  if (tlsPhase && c === 'ERR' && /certificate|pin/i.test(String((err as Error)?.message))) return new XmppFailure('certificate', 'tls');
  return new XmppFailure('network', c);
}

/**
 * One socket's lifetime: negotiates TLS, SASL, bind or SM resume, then carries stanzas.
 * It never throws from socket callbacks; every failure ends in `closed(failure)` exactly once.
 */
export class XmppStream {
  private socket: net.Socket | tls.TLSSocket | undefined;
  private parser: StreamParser | undefined;
  private readonly inbox: XmlElement[] = [];
  private waiter: ((e: XmlElement | XmppFailure) => void) | undefined;
  private failure: XmppFailure | null = null;
  private ended = false;
  private online = false;
  private smActive = false;
  private ackRequested = false;
  private ackTimer: NodeJS.Timeout | undefined;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private lastHeard = Date.now();
  private secure = false;
  private readonly server: ServerConfig;
  private readonly creds: Credentials;
  private readonly sm: SmState;
  private readonly on: StreamCallbacks;
  jid = '';

  constructor(server: ServerConfig, creds: Credentials, sm: SmState, on: StreamCallbacks) {
    this.server = server;
    this.creds = creds;
    this.sm = sm;
    this.on = on;
  }

  get isOnline(): boolean {
    return this.online && !this.ended;
  }

  /** Negotiate the whole session. Rejects with XmppFailure; the stream is then already closed. */
  async open(): Promise<OpenResult> {
    const timeoutMs = this.server.timeoutMs ?? 15_000;
    const timer = setTimeout(() => this.fail(new XmppFailure('timeout', 'negotiation')), timeoutMs);
    try {
      await this.dial();
      let features = await this.restartStream();
      if (!this.secure) {
        if (child(features, 'starttls', NS_TLS) === undefined) throw new XmppFailure('tls_required', 'no-starttls');
        this.write(el('starttls', NS_TLS));
        const answer = await this.next();
        if (answer.name !== 'proceed') throw new XmppFailure('tls_required', 'starttls-refused');
        await this.upgradeTls();
        features = await this.restartStream();
      }
      const mechanism = await this.authenticate(features);
      features = await this.restartStream();
      const result = { ...(await this.establish(features)), mechanism };
      this.online = true;
      this.startKeepAlive();
      // Anything that arrived during negotiation after the session began is delivered now.
      this.drainInbox();
      return result;
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
      this.requestAck();
    }
    return true;
  }

  /** Resend what the server never acknowledged (after a resume), keeping order. */
  private resendUnacked(): void {
    const pending = [...this.sm.unacked];
    for (const stanza of pending) this.write(stanza);
    if (pending.length > 0) this.requestAck();
  }

  /** Close politely; SM state is kept, so a later stream may still resume unless `forget`. */
  close(): void {
    if (this.ended) return;
    const socket = this.socket;
    this.socket = undefined;
    this.finish(null);
    if (socket === undefined) return;
    // A clean end (stream close, TLS close_notify, FIN) tells the server the session is over,
    // so it does not hold it hibernating for a resume that will never come.
    try {
      socket.end('</stream:stream>');
    } catch {
      socket.destroy();
      return;
    }
    setTimeout(() => socket.destroy(), 1_000).unref();
  }

  /** Tear the socket down abruptly (tests simulate a dropped network with this). */
  destroy(): void {
    this.socket?.destroy();
    this.fail(new XmppFailure('network', 'destroyed'));
  }

  private fail(failure: XmppFailure): void {
    if (this.failure === null) this.failure = failure;
    this.finish(failure);
  }

  private finish(failure: XmppFailure | null): void {
    if (this.ended) return;
    this.ended = true;
    this.online = false;
    clearTimeout(this.ackTimer);
    clearInterval(this.keepAliveTimer);
    this.socket?.destroy();
    const w = this.waiter;
    this.waiter = undefined;
    w?.(failure ?? new XmppFailure('closed', 'local'));
    try {
      this.on.closed(failure);
    } catch {
      // a listener's bug must not leave the socket half-closed
    }
  }

  private write(element: XmlElement | string): void {
    const data = typeof element === 'string' ? element : toXml(element);
    try {
      this.socket?.write(data);
    } catch (err) {
      this.fail(classifySocketError(err, false));
    }
  }

  private attach(socket: net.Socket): void {
    // A decoder per socket (not setEncoding): the plain socket is later wrapped by TLS.
    const decoder = new StringDecoder('utf8');
    socket.on('data', (chunk: Buffer) => {
      this.lastHeard = Date.now();
      this.read(decoder.write(chunk));
    });
  }

  /**
   * One socket read is one unit: the stanzas it carries are stored together (`on.read`, one
   * commit), and everything we write meanwhile (receipts, SM <a/>, IQ answers) stays corked until
   * that commit is done, so nothing is acknowledged before it is durable. If the commit fails,
   * those writes are dropped with the socket, SM forgets the read, and a resume makes the server
   * send those stanzas again.
   */
  private read(text: string): void {
    const socket = this.socket;
    const read = this.on.read;
    if (!this.online || read === undefined || socket === undefined) {
      this.parser?.write(text);
      return;
    }
    const mark = this.sm.mark();
    socket.cork();
    try {
      read(() => this.parser?.write(text));
    } catch {
      this.sm.rewind(mark);
      this.fail(new XmppFailure('closed', 'store-commit'));
      return;
    }
    socket.uncork();
  }

  private dial(): Promise<void> {
    const host = this.server.host ?? this.server.domain;
    return new Promise((resolve, reject) => {
      const done = (err?: XmppFailure) => (err ? reject(err) : resolve());
      if (this.server.mode === 'directtls') {
        const socket = tls.connect({ ...this.tlsOptions(), host, port: this.server.port, ALPNProtocols: ['xmpp-client'] });
        this.guard(socket, true, done);
        socket.once('secureConnect', () => {
          this.secure = true;
          done();
        });
        this.socket = socket;
        this.attach(socket);
      } else {
        const socket = net.connect({ host, port: this.server.port });
        this.guard(socket, false, done);
        socket.once('connect', () => done());
        this.socket = socket;
        this.attach(socket);
      }
      this.socket.setNoDelay(true);
    });
  }

  /** Every socket gets its error and close handlers before anything else can happen. */
  private guard(socket: net.Socket, tlsPhase: boolean, pending?: (err?: XmppFailure) => void): void {
    let settled = false;
    socket.on('error', (err) => {
      const failure = classifySocketError(err, tlsPhase);
      if (!settled && pending) {
        settled = true;
        pending(failure);
      }
      this.fail(failure);
    });
    socket.on('close', () => {
      if (!settled && pending) {
        settled = true;
        pending(new XmppFailure('network', 'closed'));
      }
      if (socket === this.socket) this.fail(new XmppFailure('network', 'closed'));
    });
    socket.once(tlsPhase ? 'secureConnect' : 'connect', () => {
      settled = true;
    });
  }

  private tlsOptions(): tls.ConnectionOptions {
    const pins = this.server.pinSha256;
    return {
      servername: this.server.domain,
      ...(this.server.ca === undefined ? {} : { ca: this.server.ca }),
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      checkServerIdentity: (hostname, cert) => {
        const err = tls.checkServerIdentity(hostname, cert);
        if (err) return err;
        if (pins !== undefined && pins.length > 0 && !pins.includes(spkiSha256(cert))) {
          return Object.assign(new Error('certificate pin mismatch'), { code: 'PIN_MISMATCH' });
        }
        return undefined;
      },
    };
  }

  private upgradeTls(): Promise<void> {
    const plain = this.socket!;
    plain.removeAllListeners('data');
    return new Promise((resolve, reject) => {
      const secure = tls.connect({ ...this.tlsOptions(), socket: plain });
      // The plain socket's close now belongs to the TLS socket.
      this.socket = secure;
      this.guard(secure, true, (err) => (err ? reject(err) : resolve()));
      secure.once('secureConnect', () => {
        this.secure = true;
        resolve();
      });
      this.attach(secure);
    });
  }

  private restartStream(): Promise<XmlElement> {
    this.inbox.length = 0;
    this.parser = new StreamParser({
      open: () => {},
      element: (e) => this.receive(e),
      close: () => this.fail(new XmppFailure('network', 'stream-closed')),
      error: (reason) => this.fail(new XmppFailure('protocol', `xml-${reason.slice(0, 40)}`)),
    });
    this.write(
      `<?xml version='1.0'?><stream:stream to='${escapeXml(this.server.domain)}' version='1.0' xml:lang='en' xmlns='${NS_CLIENT}' xmlns:stream='${NS_STREAM}'>`,
    );
    return this.next().then((features) => {
      if (features.name !== 'features' || features.xmlns !== NS_STREAM) throw new XmppFailure('protocol', 'no-features');
      return features;
    });
  }

  private receive(element: XmlElement): void {
    if (element.xmlns === NS_STREAM && element.name === 'error') {
      const condition = children(element)[0]?.name ?? 'unknown';
      this.fail(new XmppFailure('network', `stream-error-${condition}`));
      return;
    }
    if (this.online) {
      this.handleOnline(element);
      return;
    }
    this.inbox.push(element);
    this.flushWaiter();
  }

  private flushWaiter(): void {
    const w = this.waiter;
    if (w === undefined || this.inbox.length === 0) return;
    const next = this.inbox.shift()!;
    this.waiter = undefined;
    w(next);
  }

  private next(): Promise<XmlElement> {
    if (this.ended) return Promise.reject(this.failure ?? new XmppFailure('closed', 'local'));
    return new Promise((resolve, reject) => {
      this.waiter = (e) => (e instanceof XmppFailure ? reject(this.failure ?? e) : resolve(e));
      this.flushWaiter();
    });
  }

  private async authenticate(features: XmlElement): Promise<string> {
    const mechanisms = new Set(children(child(features, 'mechanisms', NS_SASL) ?? features, 'mechanism').map((m) => text(m)));
    let mechanism: string;
    let scram: ScramClient | undefined;
    let initial: string;
    if (mechanisms.has('SCRAM-SHA-256')) {
      mechanism = 'SCRAM-SHA-256';
      scram = createScramClient('sha256', this.creds.username, this.creds.password);
      initial = scram.initial;
    } else if (mechanisms.has('SCRAM-SHA-1')) {
      mechanism = 'SCRAM-SHA-1';
      scram = createScramClient('sha1', this.creds.username, this.creds.password);
      initial = scram.initial;
    } else if (mechanisms.has('PLAIN')) {
      if (this.server.allowPlain !== true || !this.secure) throw new XmppFailure('plain_refused', 'plain-only');
      mechanism = 'PLAIN';
      initial = `\0${this.creds.username}\0${this.creds.password}`;
    } else {
      throw new XmppFailure('no_mechanism', 'none-supported');
    }
    this.write(el('auth', NS_SASL, { mechanism }, Buffer.from(initial, 'utf8').toString('base64')));
    for (;;) {
      const answer = await this.next();
      const payload = Buffer.from(text(answer), 'base64').toString('utf8');
      if (answer.name === 'challenge' && scram !== undefined) {
        let response: string;
        try {
          response = scram.respond(payload);
        } catch (err) {
          throw new XmppFailure('protocol', err instanceof ScramError ? err.message : 'scram');
        }
        this.write(el('response', NS_SASL, {}, Buffer.from(response, 'utf8').toString('base64')));
      } else if (answer.name === 'success') {
        if (scram !== undefined) {
          try {
            scram.verify(payload);
          } catch {
            // A server that cannot prove the password may be an impostor.
            throw new XmppFailure('protocol', 'server-signature');
          }
        }
        return mechanism;
      } else if (answer.name === 'failure') {
        const condition = children(answer)[0]?.name ?? 'unknown';
        throw new XmppFailure('auth', condition);
      } else {
        throw new XmppFailure('protocol', `sasl-${answer.name}`);
      }
    }
  }

  private async establish(features: XmlElement): Promise<Omit<OpenResult, 'mechanism'>> {
    const smOffered = child(features, 'sm', NS_SM) !== undefined;
    if (smOffered && this.sm.canResume) {
      this.write(el('resume', NS_SM, { h: this.sm.inbound, previd: this.sm.id }));
      const answer = await this.next();
      if (answer.name === 'resumed' && answer.xmlns === NS_SM) {
        this.smActive = true;
        this.handleAck(answer.attrs.h);
        this.resendUnacked();
        return { jid: this.jid, resumed: true, sm: true };
      }
      // failed: acknowledge what the server says it got, then start over with a new session.
      if (answer.attrs.h !== undefined) this.handleAck(answer.attrs.h);
    }
    const lost = this.sm.reset();
    void lost; // the engine's outbox resends anything not acknowledged
    if (child(features, 'bind', NS_BIND) === undefined) throw new XmppFailure('protocol', 'no-bind');
    const bindId = `bind-${Date.now().toString(36)}`;
    this.write(
      el('iq', NS_CLIENT, { type: 'set', id: bindId }, el('bind', NS_BIND, {}, this.creds.resource ? el('resource', NS_BIND, {}, this.creds.resource) : null)),
    );
    const bound = await this.next();
    const jid = text(child(child(bound, 'bind', NS_BIND) ?? bound, 'jid'));
    if (bound.attrs.type !== 'result' || jid === '') throw new XmppFailure('protocol', 'bind-failed');
    this.jid = jid;
    const session = child(features, 'session', NS_SESSION);
    if (session !== undefined && child(session, 'optional') === undefined) {
      this.write(el('iq', NS_CLIENT, { type: 'set', id: 'sess-1' }, el('session', NS_SESSION)));
      const answer = await this.next();
      if (answer.attrs.type !== 'result') throw new XmppFailure('protocol', 'session-failed');
    }
    if (!smOffered) return { jid, resumed: false, sm: false };
    this.write(el('enable', NS_SM, { resume: 'true' }));
    for (;;) {
      const answer = await this.next();
      if (answer.xmlns === NS_SM && answer.name === 'enabled') {
        this.sm.begin(answer.attrs.id, answer.attrs.resume === 'true' || answer.attrs.resume === '1');
        this.smActive = true;
        return { jid, resumed: false, sm: true };
      }
      if (answer.xmlns === NS_SM && answer.name === 'failed') return { jid, resumed: false, sm: false };
      // A stanza before <enabled/> (rare) is held and delivered once online; never counted.
      this.pendingStanzas.push(answer);
    }
  }

  private readonly pendingStanzas: XmlElement[] = [];

  private drainInbox(): void {
    const held = [...this.pendingStanzas, ...this.inbox];
    this.pendingStanzas.length = 0;
    this.inbox.length = 0;
    for (const e of held) this.handleOnline(e);
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
    this.ackRequested = false;
    clearTimeout(this.ackTimer);
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
    if (this.sm.unacked.length > 0 && this.online) this.requestAck();
  }

  /** One outstanding <r/> at a time; a burst of sends shares one request. */
  private requestAck(): void {
    if (this.ackRequested) return;
    this.ackRequested = true;
    setImmediate(() => {
      if (this.ended) return;
      this.write(el('r', NS_SM));
      this.armAckTimer();
    });
  }

  /**
   * A busy server answers <r/> only after the stanzas queued before it (each one archived), so
   * silence, not a slow answer, is what marks the connection dead.
   */
  private armAckTimer(): void {
    clearTimeout(this.ackTimer);
    const limit = this.server.timeoutMs ?? 15_000;
    this.ackTimer = setTimeout(() => {
      if (!this.ackRequested || this.ended) return;
      if (Date.now() - this.lastHeard >= limit) this.fail(new XmppFailure('timeout', 'sm-ack'));
      else this.armAckTimer();
    }, limit);
    this.ackTimer.unref();
  }

  /** A sleeping laptop or a silently dead route: probe when quiet, give up when nothing answers. */
  private startKeepAlive(): void {
    const idleMs = Math.max(1_000, (this.server.timeoutMs ?? 15_000) * 2);
    this.keepAliveTimer = setInterval(() => {
      if (Date.now() - this.lastHeard < idleMs) return;
      if (this.smActive) this.requestAck();
      else this.write(' ');
    }, idleMs);
    this.keepAliveTimer.unref();
  }
}
