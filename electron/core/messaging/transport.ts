import { createHash, X509Certificate } from 'node:crypto';
import net from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import tls from 'node:tls';
import type { ServerConfig } from './server-config.ts';
import { XmppFailure } from '../../../node-shared/xmpp/xmpp-failure.ts';

/** The HPKP-style pin: SHA-256 of the DER SubjectPublicKeyInfo (survives re-issuing with the same key). */
export const spkiSha256 = (cert: tls.PeerCertificate): string =>
  createHash('sha256')
    .update(new X509Certificate(cert.raw).publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64');

/**
 * Host name check plus, when the organisation set pins, a match on one of them. One function for
 * the XMPP connection and the HTTP upload and download, so both trust exactly the same servers.
 */
export function pinnedIdentityCheck(pins: readonly string[] | undefined): (hostname: string, cert: tls.PeerCertificate) => Error | undefined {
  return (hostname, cert) => {
    const err = tls.checkServerIdentity(hostname, cert);
    if (err) return err;
    if (pins !== undefined && pins.length > 0 && !pins.includes(spkiSha256(cert))) {
      return Object.assign(new Error('certificate pin mismatch'), { code: 'PIN_MISMATCH' });
    }
    return undefined;
  };
}

const CERT_CODES = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ALTNAME|PIN_MISMATCH|HOSTNAME/;

export function classifySocketError(err: unknown, tlsPhase: boolean): XmppFailure {
  const code = (err as { code?: unknown })?.code;
  const c = typeof code === 'string' ? code : 'ERR';
  if (CERT_CODES.test(c)) return new XmppFailure('certificate', c);
  if (tlsPhase && c === 'ERR' && /certificate|pin/i.test(String((err as Error)?.message))) return new XmppFailure('certificate', 'tls');
  return new XmppFailure('network', c);
}

export interface TransportEvents {
  /** Decoded text of one socket read. */
  data(text: string): void;
  /** The socket failed or closed under us (may be reported more than once; the stream keeps the first). */
  failure(failure: XmppFailure): void;
}

/**
 * One TCP connection to the server: dialling (plain or direct TLS), the STARTTLS upgrade, TLS
 * always verified against the configured CA with optional SPKI pinning, and every socket error
 * turned into a typed failure. It never throws from socket callbacks.
 */
export class Transport {
  private socket: net.Socket | tls.TLSSocket | undefined;
  private isSecure = false;
  private readonly server: ServerConfig;
  private readonly on: TransportEvents;

  constructor(server: ServerConfig, on: TransportEvents) {
    this.server = server;
    this.on = on;
  }

  get secure(): boolean {
    return this.isSecure;
  }

  /** The TLS socket once secure (channel binding reads its keying material and certificate). */
  get tlsSocket(): tls.TLSSocket | undefined {
    return this.isSecure ? (this.socket as tls.TLSSocket) : undefined;
  }

  dial(): Promise<void> {
    const host = this.server.host ?? this.server.domain;
    return new Promise((resolve, reject) => {
      const done = (err?: XmppFailure) => (err ? reject(err) : resolve());
      let socket: net.Socket;
      if (this.server.mode === 'directtls') {
        const secure = tls.connect({ ...this.tlsOptions(), host, port: this.server.port, ALPNProtocols: ['xmpp-client'] });
        this.guard(secure, true, done);
        secure.once('secureConnect', () => {
          this.isSecure = true;
          done();
        });
        socket = secure;
      } else {
        socket = net.connect({ host, port: this.server.port });
        this.guard(socket, false, done);
        socket.once('connect', () => done());
      }
      this.socket = socket;
      this.attach(socket);
      socket.setNoDelay(true);
    });
  }

  /** STARTTLS: wrap the plain socket after the server's <proceed/>. */
  startTls(): Promise<void> {
    const plain = this.socket!;
    plain.removeAllListeners('data');
    return new Promise((resolve, reject) => {
      const secure = tls.connect({ ...this.tlsOptions(), socket: plain });
      // The plain socket's close now belongs to the TLS socket.
      this.socket = secure;
      this.guard(secure, true, (err) => (err ? reject(err) : resolve()));
      secure.once('secureConnect', () => {
        this.isSecure = true;
        resolve();
      });
      this.attach(secure);
    });
  }

  write(data: string): void {
    try {
      this.socket?.write(data);
    } catch (err) {
      this.on.failure(classifySocketError(err, false));
    }
  }

  cork(): void {
    this.socket?.cork();
  }

  uncork(): void {
    this.socket?.uncork();
  }

  /**
   * A clean end (stream close, TLS close_notify, FIN) tells the server the session is over, so it
   * does not hold it hibernating for a resume that will never come. The socket is detached first,
   * so its closing is not reported as a failure.
   */
  end(goodbye: string): void {
    const socket = this.socket;
    this.socket = undefined;
    if (socket === undefined) return;
    try {
      socket.end(goodbye);
    } catch {
      socket.destroy();
      return;
    }
    setTimeout(() => socket.destroy(), 1_000).unref();
  }

  destroy(): void {
    this.socket?.destroy();
  }

  private attach(socket: net.Socket): void {
    // A decoder per socket (not setEncoding): the plain socket is later wrapped by TLS.
    const decoder = new StringDecoder('utf8');
    socket.on('data', (chunk: Buffer) => this.on.data(decoder.write(chunk)));
  }

  /** Every socket gets its error and close handlers before anything else can happen. */
  private guard(socket: net.Socket, tlsPhase: boolean, pending: (err?: XmppFailure) => void): void {
    let settled = false;
    socket.on('error', (err) => {
      const failure = classifySocketError(err, tlsPhase);
      if (!settled) {
        settled = true;
        pending(failure);
      }
      this.on.failure(failure);
    });
    socket.on('close', () => {
      if (!settled) {
        settled = true;
        pending(new XmppFailure('network', 'closed'));
      }
      if (socket === this.socket) this.on.failure(new XmppFailure('network', 'closed'));
    });
    socket.once(tlsPhase ? 'secureConnect' : 'connect', () => {
      settled = true;
    });
  }

  private tlsOptions(): tls.ConnectionOptions {
    return {
      servername: this.server.domain,
      ...(this.server.ca === undefined ? {} : { ca: this.server.ca }),
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      checkServerIdentity: pinnedIdentityCheck(this.server.pinSha256),
    };
  }
}
