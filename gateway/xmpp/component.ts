import crypto from 'node:crypto';
import net from 'node:net';
import { StreamParser } from '../../node-shared/xmpp/stream-parser.ts';
import { el, escapeXml, NS_CLIENT, NS_STREAM, toXml, type XmlElement } from '../../node-shared/xmpp/xml.ts';

export const NS_COMPONENT = 'jabber:component:accept';

export interface ComponentOptions {
  readonly host: string;
  readonly port: number;
  /** The component's own domain, e.g. patients.clinic.example. */
  readonly domain: string;
  readonly secret: string;
  readonly timeoutMs?: number;
}

export type ComponentEvents = {
  stanza(element: XmlElement): void;
  /** Runs the handling of one socket read (all its stanzas) as one unit: one store commit. */
  batch?(handle: () => void): void;
  /** The stream ended (server restart, network): the owner reconnects. */
  closed(reason: string): void;
};

/**
 * Stanzas on a component stream are in jabber:component:accept. Staff-side code (node-shared/xmpp)
 * reads jabber:client, so inbound top-level stanzas and their direct children in the component
 * namespace are renamed to jabber:client, and outbound jabber:client elements inherit the stream's
 * default namespace (toXml with parent jabber:client writes no xmlns for them).
 */
function asClient(element: XmlElement): XmlElement {
  if (element.xmlns !== NS_COMPONENT) return element;
  return { ...element, xmlns: NS_CLIENT, children: element.children.map((c) => (typeof c === 'string' ? c : asClient(c))) };
}

/**
 * One XEP-0114 connection: stream header, handshake (SHA-1 of stream id + secret, as the XEP
 * says), then stanzas both ways. The listener is loopback (or a private link) on the XMPP server.
 */
export class ComponentStream {
  private socket: net.Socket | null = null;
  private parser: StreamParser | null = null;
  private closedReason: string | null = null;
  private readonly opts: ComponentOptions;
  private readonly on: ComponentEvents;

  constructor(opts: ComponentOptions, on: ComponentEvents) {
    this.opts = opts;
    this.on = on;
  }

  get jid(): string {
    return this.opts.domain;
  }

  connect(): Promise<void> {
    const { host, port, domain, secret } = this.opts;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (err: Error | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err === null) resolve();
        else {
          this.shutdown(err.message);
          reject(err);
        }
      };
      const timer = setTimeout(() => settle(new Error('component-timeout')), this.opts.timeoutMs ?? 15_000);
      const socket = net.connect({ host, port });
      this.socket = socket;
      socket.setEncoding('utf8');
      socket.setNoDelay(true);
      this.parser = new StreamParser({
        open: (attrs) => {
          const id = attrs['id'] ?? '';
          const digest = crypto.createHash('sha1').update(id + secret).digest('hex');
          socket.write(`<handshake>${digest}</handshake>`);
        },
        element: (e) => {
          if (e.name === 'handshake') return settle(null);
          if (e.xmlns === NS_STREAM && e.name === 'error') {
            const condition = e.children.find((c) => typeof c !== 'string');
            const reason = `stream-error-${typeof condition === 'string' || condition === undefined ? 'unknown' : condition.name}`;
            settle(new Error(reason));
            this.shutdown(reason);
            return;
          }
          if (settled) this.on.stanza(asClient(e));
        },
        refused: () => {},
        close: () => {
          settle(new Error('stream-closed'));
          this.shutdown('stream-closed');
        },
        error: (reason) => {
          settle(new Error('xml-error'));
          this.shutdown(`xml-${reason.slice(0, 40)}`);
        },
      });
      socket.on('connect', () =>
        socket.write(`<?xml version='1.0'?><stream:stream xmlns='${NS_COMPONENT}' xmlns:stream='${NS_STREAM}' to='${escapeXml(domain)}'>`),
      );
      socket.on('data', (chunk: string) => {
        const handle = () => this.parser?.write(chunk);
        if (this.on.batch === undefined) handle();
        else this.on.batch(handle);
      });
      socket.on('error', (err) => settle(new Error(`network-${(err as NodeJS.ErrnoException).code ?? 'error'}`)));
      socket.on('close', () => {
        settle(new Error('network-closed'));
        this.shutdown('network-closed');
      });
    });
  }

  /** Sends a stanza; false when the stream is down (the caller keeps what it must retry). */
  send(stanza: XmlElement): boolean {
    if (this.socket === null || this.closedReason !== null || this.socket.destroyed) return false;
    this.socket.write(toXml(stanza, NS_CLIENT));
    return true;
  }

  close(): void {
    if (this.socket !== null && !this.socket.destroyed) this.socket.end('</stream:stream>');
    this.shutdown('closed');
  }

  private shutdown(reason: string): void {
    if (this.closedReason !== null) return;
    this.closedReason = reason;
    this.socket?.destroy();
    this.on.closed(reason);
  }
}

/** A presence that keeps the component's occupant in a room (nick = the patient's voice). */
export const occupantPresence = (from: string, room: string, nick: string): XmlElement =>
  el('presence', NS_CLIENT, { from, to: `${room}/${nick}` }, el('x', 'http://jabber.org/protocol/muc', {}, el('history', 'http://jabber.org/protocol/muc', { maxstanzas: 0 })));
