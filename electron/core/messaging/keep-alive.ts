export interface KeepAliveIo {
  /** Write an XEP-0198 <r/>. */
  requestAck(): void;
  /** Write a whitespace ping (no stream management). */
  ping(): void;
  smActive(): boolean;
  ended(): boolean;
  /** Nothing was heard for too long: the connection is dead. */
  dead(): void;
}

/**
 * Liveness of one stream: at most one outstanding SM <r/> (a burst of sends shares it), a timer
 * that declares the connection dead only after silence, and a probe when the line is quiet.
 */
export class KeepAlive {
  private lastHeard = Date.now();
  private ackRequested = false;
  private ackTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly timeoutMs: number;
  private readonly io: KeepAliveIo;

  constructor(timeoutMs: number, io: KeepAliveIo) {
    this.timeoutMs = timeoutMs;
    this.io = io;
  }

  /** Anything arrived from the server. */
  heard(): void {
    this.lastHeard = Date.now();
  }

  /** One outstanding <r/> at a time; a burst of sends shares one request. */
  requestAck(): void {
    if (this.ackRequested) return;
    this.ackRequested = true;
    setImmediate(() => {
      if (this.io.ended()) return;
      this.io.requestAck();
      this.armAckTimer();
    });
  }

  /** An <a/> arrived. */
  answered(): void {
    this.ackRequested = false;
    clearTimeout(this.ackTimer);
  }

  /** A sleeping laptop or a silently dead route: probe when quiet, give up when nothing answers. */
  start(): void {
    const idleMs = Math.max(1_000, this.timeoutMs * 2);
    this.idleTimer = setInterval(() => {
      if (Date.now() - this.lastHeard < idleMs) return;
      if (this.io.smActive()) this.requestAck();
      else this.io.ping();
    }, idleMs);
    this.idleTimer.unref();
  }

  stop(): void {
    clearTimeout(this.ackTimer);
    clearInterval(this.idleTimer);
  }

  /**
   * A busy server answers <r/> only after the stanzas queued before it (each one archived), so
   * silence, not a slow answer, is what marks the connection dead.
   */
  private armAckTimer(): void {
    clearTimeout(this.ackTimer);
    this.ackTimer = setTimeout(() => {
      if (!this.ackRequested || this.io.ended()) return;
      if (Date.now() - this.lastHeard >= this.timeoutMs) this.io.dead();
      else this.armAckTimer();
    }, this.timeoutMs);
    this.ackTimer.unref();
  }
}
