import type { OpenBatch, Store } from '../store/store.ts';

/** Commits closer together than this share one group (one fsync) when writes keep coming. */
export const GROUP_WINDOW_MS = 5;

interface Group {
  readonly batch: OpenBatch;
  /** What waits for the commit (tell listeners, release receipts and SM acks, fetch files). */
  readonly after: Array<() => void>;
  /** Told when the commit fails (everything in the group is gone). */
  readonly failed: Array<(err: unknown) => void>;
}

/**
 * Group commit, kept off the path a person waits on. Writes join one store transaction that stays
 * open across turns of the event loop and commits soon after: at once (next turn) when the store
 * was idle, else GROUP_WINDOW_MS after the previous commit, so a burst, or a server sending one
 * stanza per read (ejabberd), costs one commit per window instead of one per message. The commit
 * itself skips the fsync, which then runs off the event loop (see store/held-batch.ts). What must
 * only happen once that work is on disk (receipts, SM acks, "sent" states, attachment fetches)
 * waits in `later` and is dropped if the commit or its fsync fails. The messaging engine is the only owner of the group;
 * writes made by anyone else meanwhile join it.
 */
export class GroupCommit {
  private group: Group | null = null;
  private depth = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private lastCommitAt = -Infinity;
  /** Resolves when the groups committed so far are on disk and their work has run. */
  private ondisk: Promise<void> = Promise.resolve();
  private readonly store: Pick<Store, 'batch' | 'openBatch' | 'inBatch'>;
  private readonly onError: (err: unknown) => void;
  private readonly windowMs: number;

  constructor(store: Pick<Store, 'batch' | 'openBatch' | 'inBatch'>, onError: (err: unknown) => void, windowMs = GROUP_WINDOW_MS) {
    this.store = store;
    this.onError = onError;
    this.windowMs = windowMs;
  }

  /** True while a group is open (work now commits with it). */
  get open(): boolean {
    return this.group !== null;
  }

  /** Run `fn` once the current group has committed (at once when no group is open). */
  later(fn: () => void): void {
    if (this.group === null) fn();
    else this.group.after.push(fn);
  }

  /**
   * Run `fn` now inside the current group (opening one); it commits soon, not before this returns.
   * Inside a caller's own store batch it simply runs there (that batch commits it).
   */
  defer<T>(fn: () => T): T {
    if (!this.ensureGroup()) return fn();
    return this.inside(fn);
  }

  /**
   * Handle one socket read inside the group: `durable(null)` once it has committed, or
   * `durable(error)` if that commit failed. If `fn` throws, nothing it wrote stays.
   */
  hold(fn: () => void, durable: (err: unknown) => void): void {
    if (!this.ensureGroup()) {
      fn();
      durable(null);
      return;
    }
    this.inside(fn);
    const group = this.group;
    if (group === null) return;
    group.after.push(() => durable(null));
    group.failed.push(durable);
  }

  /** Run `fn` and commit now (with whatever the group already holds); nested, it just joins. */
  run<T>(fn: () => T): T {
    if (!this.ensureGroup()) return this.store.batch(fn);
    const out = this.inside(fn);
    if (this.depth === 0) this.flush();
    return out;
  }

  /**
   * Commit the open group now (visible, and safe from a crash of this process, at once); what
   * waited for it runs once it is on disk too, in commit order. Throws nothing.
   */
  flush(): void {
    clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    const group = this.group;
    if (group === null) return;
    this.group = null;
    let synced: Promise<void>;
    try {
      synced = group.batch.commit();
    } catch (err) {
      this.lastCommitAt = performance.now();
      this.failed(group, err);
      return;
    }
    this.lastCommitAt = performance.now();
    // A later group's fsync also covers the earlier ones, but its work waits for theirs anyway.
    this.ondisk = Promise.all([this.ondisk, synced]).then(
      () => {
        for (const task of group.after) this.guard(task);
      },
      (err: unknown) => this.failed(group, err),
    );
  }

  /** Resolves once every group committed so far is on disk and its work has run. */
  settled(): Promise<void> {
    return this.ondisk;
  }

  private failed(group: Group, err: unknown): void {
    this.onError(err);
    for (const told of group.failed) this.guard(() => told(err));
  }

  /** Open a group unless one is open; false when a caller's own batch is open instead. */
  private ensureGroup(): boolean {
    if (this.group !== null) return true;
    if (this.store.inBatch) return false;
    this.group = { batch: this.store.openBatch(), after: [], failed: [] };
    const wait = this.lastCommitAt + this.windowMs - performance.now();
    if (wait <= 0) this.immediate = setImmediate(() => this.flush());
    else this.timer = setTimeout(() => this.flush(), Math.ceil(wait));
    return true;
  }

  /** `fn` as a savepoint in the group: if it throws, its writes and its `later` work are taken back. */
  private inside<T>(fn: () => T): T {
    const group = this.group!;
    const mark = group.after.length;
    this.depth++;
    try {
      return this.store.batch(fn);
    } catch (err) {
      group.after.length = mark;
      throw err;
    } finally {
      this.depth--;
    }
  }

  private guard(task: () => void): void {
    try {
      task();
    } catch (err) {
      this.onError(err);
    }
  }
}
