import type { XmlElement } from './xml.ts';

export class IqError extends Error {
  override readonly name = 'IqError';
  readonly condition: string;
  constructor(condition: string) {
    super(`iq ${condition}`);
    this.condition = condition;
  }
}

interface Pending {
  resolve(result: XmlElement): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/** Matches IQ results to requests by id; a lost connection rejects everything outstanding. */
export class IqTracker {
  private readonly pending = new Map<string, Pending>();

  wait(id: string, timeoutMs: number): Promise<XmlElement> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new IqError('timeout'));
      }, timeoutMs);
      timer.unref();
      this.pending.set(id, { resolve, reject, timer });
    });
  }

  /** Returns true when the stanza answered one of ours. */
  handle(iq: XmlElement): boolean {
    const type = iq.attrs.type;
    if (type !== 'result' && type !== 'error') return false;
    const entry = this.pending.get(iq.attrs.id ?? '');
    if (entry === undefined) return true;
    this.pending.delete(iq.attrs.id ?? '');
    clearTimeout(entry.timer);
    if (type === 'result') entry.resolve(iq);
    else {
      const error = iq.children.find((c) => typeof c !== 'string' && c.name === 'error');
      const condition = error && typeof error !== 'string' ? (error.children.find((c) => typeof c !== 'string') as XmlElement | undefined)?.name : undefined;
      entry.reject(new IqError(condition ?? 'error'));
    }
    return true;
  }

  rejectAll(): void {
    for (const [id, entry] of this.pending) {
      clearTimeout(entry.timer);
      entry.reject(new IqError('disconnected'));
      this.pending.delete(id);
    }
  }
}
