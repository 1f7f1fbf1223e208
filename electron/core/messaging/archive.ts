import type { Logger } from '../log/logger.ts';
import type { Store } from '../store/store.ts';
import { IqError } from '../../../node-shared/xmpp/iq-tracker.ts';
import { buildMamQuery, NS_MAM, NS_RSM } from '../../../node-shared/xmpp/stanzas.ts';
import { child, childText, type XmlElement } from '../../../node-shared/xmpp/xml.ts';

/**
 * Archive cursors (XEP-0313 + RSM). Paging writes the cursor with every page, so an interrupted
 * sync resumes where it stopped. Live messages move cursors in memory and reach the store at most
 * once a second (and on flush): a cursor a second behind only means re-reading a few messages,
 * which the store folds, instead of one extra commit per message.
 */
export class ArchiveCursors {
  private readonly pending = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly store: Store;
  private readonly log: Logger;

  constructor(store: Store, log: Logger) {
    this.store = store;
    this.log = log;
  }

  get(key: string): string | null {
    return this.pending.get(key) ?? this.store.getSyncState(key);
  }

  /** A page boundary: authoritative, written at once. */
  commit(key: string, value: string): void {
    this.pending.delete(key);
    this.store.setSyncState(key, value);
  }

  /** A live message's archive id: written later, together with others. */
  note(key: string, value: string): void {
    this.pending.set(key, value);
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => this.flush(), 1_000);
    this.timer.unref();
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.store.isOpen) return;
    try {
      this.store.batch(() => {
        for (const [key, value] of this.pending) this.store.setSyncState(key, value);
      });
      this.pending.clear();
    } catch (err) {
      this.log.error('messaging.cursor_save_failed', { error: err });
    }
  }
}

/**
 * The results of one archive page, held until the page's IQ result arrives and then stored in
 * one transaction (one commit per page, not one per message) together with the page's cursor.
 */
export interface ArchivePages {
  /** Results tagged with this query id are held from now on. */
  open(queryId: string): void;
  /** Store the held results, then run `andThen` (the cursor write), all in one transaction. */
  store(queryId: string, andThen: () => void): void;
  /** Forget a page that failed (its results, if any, are dropped: the cursor did not move). */
  drop(queryId: string): void;
}

export interface PageArchiveDeps {
  readonly cursors: ArchiveCursors;
  readonly pages: ArchivePages;
  readonly log: Logger;
  readonly newId: () => string;
  readonly pageSize: number;
  /** Sends an IQ and resolves with its result (rejects with IqError). */
  request(stanza: XmlElement): Promise<XmlElement>;
  /** False once this sync has been superseded (reconnect, room left) or the link is down. */
  current(): boolean;
}

/**
 * Page forward through one archive from its stored cursor. Each page's results arrive as
 * messages before its IQ result; they are held and stored with the cursor in one commit, so a
 * crash leaves either the whole page with its cursor or neither (the page is fetched again).
 */
export async function pageArchive(deps: PageArchiveDeps, key: string, to: string | undefined): Promise<void> {
  let after = deps.cursors.get(key);
  let retriedFromStart = false;
  while (deps.current()) {
    let result: XmlElement;
    const queryId = deps.newId();
    deps.pages.open(queryId);
    try {
      result = await deps.request(buildMamQuery(deps.newId(), queryId, after, deps.pageSize, to));
    } catch (err) {
      deps.pages.drop(queryId);
      if (err instanceof IqError && err.condition === 'item-not-found' && after !== null && !retriedFromStart) {
        // Our cursor is gone from the server (archive expired): start over; the store folds repeats.
        deps.log.warn('messaging.mam_cursor_lost', {});
        retriedFromStart = true;
        after = null;
        continue;
      }
      throw err;
    }
    const fin = child(result, 'fin', NS_MAM);
    const last = fin === undefined ? undefined : childText(child(fin, 'set', NS_RSM) ?? fin, 'last', NS_RSM);
    deps.pages.store(queryId, () => {
      if (last !== undefined && last !== '') deps.cursors.commit(key, last);
    });
    if (last !== undefined && last !== '') after = last;
    if (fin === undefined || fin.attrs.complete === 'true' || last === undefined || last === '') return;
  }
}
