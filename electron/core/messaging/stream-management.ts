import type { XmlElement } from '../../../node-shared/xmpp/xml.ts';

export const NS_SM = 'urn:xmpp:sm:3';

/** Stanzas are what XEP-0198 counts; nonzas (sm, sasl, starttls) are not. */
export const isStanza = (element: XmlElement): boolean =>
  element.xmlns === 'jabber:client' && (element.name === 'message' || element.name === 'presence' || element.name === 'iq');

const MOD = 2 ** 32;

/**
 * XEP-0198 counters and the unacknowledged queue, kept across sockets so a session can resume.
 * The queue is in send order: entry i is the (ackedH + i + 1)-th stanza the server will count.
 * Counting only starts once `<enabled/>` has arrived (`begin()`); the connection refuses to send
 * stanzas before that, which closes the over-acknowledgement pitfall (counting stanzas the
 * server did not count makes our `h` run ahead, and Prosody then kills the stream).
 */
export class SmState {
  id: string | undefined;
  resumable = false;
  /** Stanzas received and handled on this SM session (our `h`). */
  inbound = 0;
  private ackedH = 0;
  private queue: XmlElement[] = [];

  begin(id: string | undefined, resumable: boolean): void {
    this.id = id;
    this.resumable = resumable;
    this.inbound = 0;
    this.ackedH = 0;
    this.queue = [];
  }

  /** Forget the session (resume failed or never possible); returns stanzas never acknowledged. */
  reset(): XmlElement[] {
    const lost = this.queue;
    this.id = undefined;
    this.resumable = false;
    this.inbound = 0;
    this.ackedH = 0;
    this.queue = [];
    return lost;
  }

  get canResume(): boolean {
    return this.resumable && this.id !== undefined;
  }

  get unacked(): readonly XmlElement[] {
    return this.queue;
  }

  /** Where the counters stand now, to undo a socket read whose stanzas were not stored. */
  mark(): { inbound: number; queued: number } {
    return { inbound: this.inbound, queued: this.queue.length };
  }

  /**
   * Undo a read: stanzas received since `mark` were not stored, so we stop counting them (the
   * server resends them on resume), and stanzas queued since were never written (they were held
   * back, corked, until a commit that failed), so the server never counted them either.
   */
  rewind(mark: { inbound: number; queued: number }): void {
    this.inbound = mark.inbound;
    if (this.queue.length > mark.queued) this.queue.length = mark.queued;
  }

  sent(stanza: XmlElement): void {
    this.queue.push(stanza);
  }

  received(): void {
    this.inbound = (this.inbound + 1) % MOD;
  }

  /**
   * The server handled everything up to `h`. Returns the stanzas this acknowledges, or throws
   * when `h` claims more than was ever sent (a protocol violation the caller tears down on).
   */
  ack(h: number): XmlElement[] {
    if (!Number.isInteger(h) || h < 0 || h >= MOD) throw new Error('sm-bad-h');
    const count = (h - this.ackedH + MOD) % MOD;
    if (count > this.queue.length) throw new Error('sm-over-ack');
    this.ackedH = h;
    return this.queue.splice(0, count);
  }
}
