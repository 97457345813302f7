import type { Store } from '../couch/store';
import { rowsRepo, type RowsRepo } from '../sync/rowsRepo';
import { NO_ANOMALIES, type AnomalyHook } from './anomalyHook';
import { dashboard, type DashboardScope } from './dashboard';
import { HQ_DATABASE, HQ_DESIGN_DOCS } from './hqDesign';
import { migrateDesignDocs } from '../couch/designDocs';
import { deriveEvents } from './derive';
import { HqStore, type EventDoc } from './hqStore';
import { HqIndexer, type IndexerOptions } from './indexer';
import { countEvents, decodeCursor, encodeCursor, eventsOf, scanEvents, type EventFilter } from './query';
import { newerThan, positionOf, type Position } from './scan';
import type { HqDashboardResponse, HqEventsResponse, TimelineEvent } from '@seal/shared';

export interface HqOptions extends IndexerOptions {
  /** The anomaly detector's cases (none: nothing flagged, zero counts). */
  readonly anomalies?: AnomalyHook;
}

/** The part of a filter the service takes from the query: the scope is resolved by the caller. */
export type HqFilter = Omit<EventFilter, 'only'> & { readonly anomalies?: boolean | undefined };

const positionOfEvent = (doc: EventDoc): Position => ({ at: doc.at, h: doc.h });

/** Headquarters' merged log and dashboard over the HQ index, which it brings up to date before each answer. */
export class HqService {
  readonly hq: HqStore;
  readonly indexer: HqIndexer;
  readonly anomalies: AnomalyHook;

  constructor(private readonly store: Store, options: HqOptions = {}, private readonly rows: RowsRepo = rowsRepo(store.couch.use(store.dbName('rows')))) {
    this.hq = new HqStore(store.couch.use(store.dbName(HQ_DATABASE)));
    this.indexer = new HqIndexer(rows, this.hq, options);
    this.anomalies = options.anomalies ?? NO_ANOMALIES;
  }

  /** Creates the index database and its views (idempotent; safe from several instances at once). */
  async prepare(store: Store): Promise<void> {
    await store.ensureDatabases([HQ_DATABASE]);
    await migrateDesignDocs(store, HQ_DESIGN_DOCS);
  }

  private prepared: Promise<void> | undefined;

  /**
   * Prepares the index on first use (not at start: a server whose store is down must still start
   * and say so on /healthz), then brings it up to the rows the store holds. A failed preparation is
   * tried again by the next query.
   */
  async caughtUp(): Promise<void> {
    this.prepared ??= this.prepare(this.store).catch((error: unknown) => {
      this.prepared = undefined;
      throw error;
    });
    await this.prepared;
    await this.indexer.catchUp();
  }

  /** One page, newest first, strictly after `cursor`; throws `RangeError` for a cursor that is not ours. */
  async page(filter: HqFilter, cursor: string | undefined, limit: number, withCounts = true): Promise<HqEventsResponse> {
    const before = cursor === undefined ? undefined : decodeCursor(cursor);
    if (cursor !== undefined && !before) throw new RangeError('the cursor is not one this server gave');
    await this.caughtUp();
    if (filter.anomalies) return this.flaggedPage(filter, before, limit);
    const [rows, counts] = await Promise.all([scanEvents(this.hq, filter, before, limit + 1), withCounts ? countEvents(this.hq, filter) : { total: 0, byKind: {} }]);
    const shown = rows.slice(0, limit);
    const events = await eventsOf(this.rows, shown);
    const last = shown.at(-1);
    return { events, nextCursor: rows.length > limit && last ? encodeCursor(positionOf(last)) : null, counts };
  }

  /** The flagged events (few: the detector's cases) matching the filter, derived from their rows (read by id). */
  private async flaggedEvents(filter: HqFilter): Promise<EventDoc[]> {
    const ids = await this.anomalies.flaggedEventIds({ unitIds: filter.unitIds, from: filter.from, to: filter.to });
    const rows = await this.rows.getMany([...ids]);
    return (await deriveEvents([...rows.values()], this.hq, this.rows)).filter((e) =>
      filter.unitIds.has(e.unitId) && (!filter.kinds || filter.kinds.includes(e.kind)) && (!filter.seal || e.sealId === filter.seal)
      && (!filter.device || e.deviceId === filter.device) && (!filter.person || e.personIds.includes(filter.person))
      && (filter.from === undefined || e.at >= filter.from) && (filter.to === undefined || e.at < filter.to),
    ).sort((a, b) => (newerThan(positionOfEvent(a), positionOfEvent(b)) ? -1 : 1));
  }

  private async flaggedPage(filter: HqFilter, before: Position | undefined, limit: number): Promise<HqEventsResponse> {
    const all = await this.flaggedEvents(filter);
    const byKind: Record<string, number> = {};
    for (const e of all) byKind[e.kind] = (byKind[e.kind] ?? 0) + 1;
    const after = before ? all.filter((e) => newerThan(before, positionOfEvent(e))) : all;
    const shown = after.slice(0, limit);
    const last = shown.at(-1);
    return {
      events: shown.map(({ type: _t, h: _h, n: _n, ...e }) => e),
      nextCursor: after.length > limit && last ? encodeCursor(positionOfEvent(last)) : null,
      counts: { total: all.length, byKind },
    };
  }

  /** Every matching event, newest first, a page at a time (for the CSV: no size limit, bounded memory). */
  async *allEvents(filter: HqFilter, pageSize = 500): AsyncGenerator<TimelineEvent[]> {
    let cursor: string | undefined;
    for (;;) {
      const page = await this.page(filter, cursor, pageSize, false);
      if (page.events.length > 0) yield page.events;
      if (!page.nextCursor) return;
      cursor = page.nextCursor;
    }
  }

  async dashboard(scope: DashboardScope, from: number, to: number): Promise<HqDashboardResponse> {
    await this.caughtUp();
    return dashboard(this.hq, this.anomalies, scope, from, to);
  }
}
