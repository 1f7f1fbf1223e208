import { StreamParser, type RefusedReason } from './stream-parser.ts';
import { children, escapeXml, NS_CLIENT, NS_STREAM, type XmlElement } from './xml.ts';
import { XmppFailure } from './xmpp-failure.ts';

export interface FramingIo {
  write(data: string): void;
  /** Tear the stream down with this failure (the first one reported wins). */
  fail(failure: XmppFailure): void;
  /** Why the stream ended (a 'closed' failure when we closed it), or undefined while it is open. */
  endedWith(): XmppFailure | undefined;
  /** The server broke a limit: end the stream with this stream error (RFC 6120 §4.9.3). */
  violation(condition: string, failure: XmppFailure): void;
  /** A top-level element over a structural limit was dropped unbuilt (only ever once online). */
  refused(top: { readonly name: string; readonly xmlns: string }, reason: RefusedReason): void;
}

/**
 * The XML stream on top of the transport: opens (and after TLS and SASL re-opens) the stream,
 * parses what arrives into top-level elements, turns a stream error into a failure, and hands
 * elements either to the negotiation, one at a time through `next()`, or once online to `deliver`.
 */
export class Framing {
  private parser: StreamParser | undefined;
  private readonly inbox: XmlElement[] = [];
  private waiter: ((e: XmlElement | XmppFailure) => void) | undefined;
  private deliver: ((element: XmlElement) => void) | undefined;
  private readonly io: FramingIo;

  constructor(io: FramingIo) {
    this.io = io;
  }

  /** Text of one socket read. */
  feed(text: string): void {
    this.parser?.write(text);
  }

  /** Send a new stream header and wait for the server's features. */
  restart(domain: string): Promise<XmlElement> {
    this.inbox.length = 0;
    this.parser = new StreamParser({
      open: () => {},
      element: (e) => this.receive(e),
      close: () => this.io.fail(new XmppFailure('network', 'stream-closed')),
      refused: (top, reason) => {
        if (this.deliver !== undefined) this.io.refused(top, reason);
        else this.io.violation('policy-violation', new XmppFailure('protocol', `limit-${reason}`));
      },
      error: (reason) => {
        if (reason === 'stanza-too-large') this.io.violation('policy-violation', new XmppFailure('protocol', 'limit-size'));
        else this.io.fail(new XmppFailure('protocol', `xml-${reason.slice(0, 40)}`));
      },
    });
    this.io.write(
      `<?xml version='1.0'?><stream:stream to='${escapeXml(domain)}' version='1.0' xml:lang='en' xmlns='${NS_CLIENT}' xmlns:stream='${NS_STREAM}'>`,
    );
    return this.next().then((features) => {
      if (features.name !== 'features' || features.xmlns !== NS_STREAM) throw new XmppFailure('protocol', 'no-features');
      return features;
    });
  }

  /** The next element during negotiation; rejects once the stream has ended. */
  next(): Promise<XmlElement> {
    const ended = this.io.endedWith();
    if (ended !== undefined) return Promise.reject(ended);
    return new Promise((resolve, reject) => {
      this.waiter = (e) => (e instanceof XmppFailure ? reject(this.io.endedWith() ?? e) : resolve(e));
      this.flushWaiter();
    });
  }

  /** Negotiation is over: later elements go to `deliver`; returns what arrived meanwhile, in order. */
  goOnline(deliver: (element: XmlElement) => void): XmlElement[] {
    this.deliver = deliver;
    return this.inbox.splice(0);
  }

  /** The stream ended: a pending `next()` rejects. */
  abort(failure: XmppFailure): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.(failure);
  }

  private receive(element: XmlElement): void {
    if (element.xmlns === NS_STREAM && element.name === 'error') {
      const condition = children(element)[0]?.name ?? 'unknown';
      this.io.fail(new XmppFailure('network', `stream-error-${condition}`));
      return;
    }
    if (this.deliver !== undefined) {
      this.deliver(element);
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
}
