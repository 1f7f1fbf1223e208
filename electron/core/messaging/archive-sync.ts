import type { EngineContext } from './context.ts';
import { ArchiveCursors, pageArchive, type ArchivePages } from './archive.ts';
import type { Markers } from './markers.ts';
import type { ArchiveStatus } from './engine-types.ts';
import { IqError } from '../../../node-shared/xmpp/iq-tracker.ts';
import { NS_MAM, type MamResult } from '../../../node-shared/xmpp/stanzas.ts';
import { buildDiscoInfo, NS_DISCO_INFO } from './upload.ts';
import { child, children, type XmlElement } from '../../../node-shared/xmpp/xml.ts';

/** Answers to an archive query that mean the server has no usable archive for us. */
const REFUSED: ReadonlySet<string> = new Set(['feature-not-implemented', 'service-unavailable', 'not-allowed', 'forbidden']);

/** Sync-state key for our own account's archive. */
export const MAM_SELF = 'mam:self';

/**
 * History sync (XEP-0313) into the store: our own archive on every new session, a room's archive
 * when we join it. Results are held per page and stored with the page's cursor in one commit.
 */
export class ArchiveSync {
  readonly cursors: ArchiveCursors;
  private readonly ctx: EngineContext;
  private readonly markers: Markers;
  private readonly pageSize: number;
  /** Stores one archived message (the inbound boundary decides what it may be). */
  private readonly storeResult: (mam: MamResult) => void;
  /**
   * The queries this client has open, by query id: which archive each asked (null: our own
   * account's; else the room's bare JID), and its results held until the page ends.
   */
  private readonly held = new Map<string, { room: string | null; results: MamResult[] }>();
  private run = 0;
  private syncedPromise: Promise<void> = Promise.resolve();
  /** Our archive has been read up to now: live messages may move its cursor. */
  private caughtUpSelf = false;
  /** Whether the server keeps a usable archive for us (history sync works). */
  status: ArchiveStatus = 'unknown';

  constructor(ctx: EngineContext, markers: Markers, pageSize: number, storeResult: (mam: MamResult) => void) {
    this.ctx = ctx;
    this.markers = markers;
    this.pageSize = pageSize;
    this.storeResult = storeResult;
    this.cursors = new ArchiveCursors(ctx.store, ctx.log);
  }

  get caughtUp(): boolean {
    return this.caughtUpSelf;
  }

  whenSynced(): Promise<void> {
    return this.syncedPromise;
  }

  /** The archive an open query of ours asked (null: our own), or undefined when we opened no such query. */
  queried(queryId: string): { room: string | null } | undefined {
    const page = this.held.get(queryId);
    return page === undefined ? undefined : { room: page.room };
  }

  /** Hold a result (already checked by the inbound boundary) until its page ends. */
  hold(mam: MamResult): void {
    this.held.get(mam.queryId)?.results.push(mam);
  }

  /** A new session: read our own archive from the stored cursor. */
  startSelf(): void {
    this.caughtUpSelf = false;
    const run = ++this.run;
    this.syncedPromise = this.syncSelf(run).catch((err: unknown) => {
      this.ctx.log.warn('messaging.mam_sync_failed', { error: err });
    });
  }

  /** Read a room's archive from its stored cursor while `current()` holds. */
  syncRoom(key: string, room: string, current: () => boolean): Promise<void> {
    return this.page(key, room, current);
  }

  private async syncSelf(run: number): Promise<void> {
    if (!(await this.offered())) return;
    const receipts = this.markers.holdArchiveReceipts();
    let finished = false;
    try {
      await this.page(MAM_SELF, undefined, () => run === this.run);
      finished = run === this.run;
    } catch (err) {
      if (err instanceof IqError && REFUSED.has(err.condition)) this.missing('query_refused');
      throw err;
    } finally {
      this.markers.releaseArchiveReceipts(receipts, finished);
    }
    if (finished) {
      this.caughtUpSelf = true;
      this.status = 'ok';
    }
  }

  /**
   * Whether our account's archive is advertised (XEP-0313 on our bare JID's disco#info). A server
   * with archiving off (ejabberd's default) would otherwise sync nothing, silently.
   */
  private async offered(): Promise<boolean> {
    let info: XmlElement;
    try {
      info = await this.ctx.request(buildDiscoInfo(this.ctx.ownBare, this.ctx.newId()));
    } catch {
      return true; // no answer about features: try the archive itself and judge by that
    }
    const features = children(child(info, 'query', NS_DISCO_INFO) ?? info, 'feature').map((f) => f.attrs.var);
    if (features.includes(NS_MAM)) return true;
    this.missing('not_advertised');
    return false;
  }

  private missing(reason: string): void {
    if (this.status !== 'missing') this.ctx.log.warn('messaging.archive_unavailable', { reason });
    this.status = 'missing';
  }

  private page(key: string, to: string | undefined, current: () => boolean): Promise<void> {
    const { ctx } = this;
    const pages: ArchivePages = {
      open: (queryId) => void this.held.set(queryId, { room: to ?? null, results: [] }),
      drop: (queryId) => void this.held.delete(queryId),
      store: (queryId, andThen) => {
        const held = this.held.get(queryId)?.results ?? [];
        this.held.delete(queryId);
        ctx.commit.run(() => {
          for (const mam of held) {
            try {
              this.storeResult(mam);
            } catch (err) {
              // One unreadable result must not cost the page; a failed commit still throws below.
              ctx.log.error('messaging.stanza_failed', { kind: 'archive', error: err });
            }
          }
          andThen();
        });
      },
    };
    return pageArchive(
      {
        cursors: this.cursors,
        pages,
        log: ctx.log,
        newId: ctx.newId,
        pageSize: this.pageSize,
        request: (stanza) => ctx.request(stanza),
        current: () => current() && ctx.manager.state === 'online',
      },
      key,
      to,
    );
  }
}
