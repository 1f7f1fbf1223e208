import type { Store } from '../store/store.ts';

/**
 * Group commit. Work done inside `run` shares one store transaction; what must only happen once
 * that work is durable (telling listeners, fetching attachments, sending receipts) waits in
 * `later` and is dropped if the transaction rolls back. Wire writes need no queue here: during a
 * socket read the connection holds them (corked) until the read's batch returns.
 */
export class GroupCommit {
  private afterCommit: Array<() => void> | null = null;
  private readonly store: Pick<Store, 'batch'>;
  private readonly onError: (err: unknown) => void;

  constructor(store: Pick<Store, 'batch'>, onError: (err: unknown) => void) {
    this.store = store;
    this.onError = onError;
  }

  /** True while a group is open (work now commits with it). */
  get open(): boolean {
    return this.afterCommit !== null;
  }

  /** Run `fn` once the current group has committed (at once when no group is open). */
  later(fn: () => void): void {
    if (this.afterCommit === null) fn();
    else this.afterCommit.push(fn);
  }

  /** Run `fn` in one transaction (re-entrant: inside a group it just runs), then the `later` queue. */
  run<T>(fn: () => T): T {
    if (this.afterCommit !== null) return fn();
    const queue: Array<() => void> = [];
    this.afterCommit = queue;
    let out: T;
    try {
      out = this.store.batch(fn);
    } finally {
      this.afterCommit = null;
    }
    for (const task of queue) {
      try {
        task();
      } catch (err) {
        this.onError(err);
      }
    }
    return out;
  }
}
