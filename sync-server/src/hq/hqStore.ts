import type { DocumentScope } from 'nano';
import type { TimelineEvent } from '@seal/shared';
import { isConflict, statusOf } from '../couch/docs';
import { seqNumber } from '../sync/rowsRepo';
import { HQ_DESIGN } from './hqDesign';

/**
 * An event as the index stores it (`_id` = `e:` + event id): the timeline event, `h` (the tie-break
 * of its view keys: see `tieOf`) and `n` (a number its views use: a low battery's percent).
 */
export type EventDoc = TimelineEvent & { readonly type: 'event'; readonly h: string; readonly n?: number };

/** A device's day in one unit, as a rollup keeps it. */
export interface DeviceDay {
  stamps: number;
  lastAt: number;
  /** The last low-battery report that day: [at, percent]. */
  battery?: [number, number];
  /** The seal its latest event that day named. */
  sealId?: string;
}

/** Everything the dashboard needs of one unit's day (`_id` = `r:` + day + `:` + unitId), recomputed from its events. */
export interface RollupDoc {
  readonly type: 'rollup';
  readonly unitId: string;
  readonly day: string;
  readonly byKind: Record<string, number>;
  readonly stampsBySeal: Record<string, number>;
  readonly devices: Record<string, DeviceDay>;
  /** Approval latencies (ms) of the unit's requests whose last approval fell that day, ascending. */
  readonly latencies: number[];
}

/** A request's approval latency (`_id` = `l:` + request id). */
export interface LatencyDoc {
  readonly type: 'latency';
  readonly requestId: string;
  readonly unitId: string;
  readonly day: string;
  readonly ms: number;
}

export type HqDoc = EventDoc | RollupDoc | LatencyDoc | { readonly type: 'checkpoint'; readonly seq: string };

export const eventDocId = (eventId: string): string => `e:${eventId}`;
export const rollupDocId = (day: string, unitId: string): string => `r:${day}:${unitId}`;
export const latencyDocId = (requestId: string): string => `l:${requestId}`;
const CHECKPOINT_ID = 'checkpoint';

export interface ViewRow<K = unknown[], V = unknown> {
  readonly id: string;
  readonly key: K;
  readonly value: V;
  readonly doc?: unknown;
}

/** The HQ index database (MAC-checked: every document written carries the server's MAC). */
export class HqStore {
  constructor(readonly db: DocumentScope<HqDoc>) {}

  async view<K = unknown[], V = unknown>(view: string, params: Record<string, unknown>): Promise<ViewRow<K, V>[]> {
    const page = await this.db.view(HQ_DESIGN, view, params as never);
    return page.rows as unknown as ViewRow<K, V>[];
  }

  /** Writes new event documents; one already there (the same event, derived before) is left as it is. */
  async writeEvents(events: readonly EventDoc[]): Promise<void> {
    // In bulks of at most 500 (the embedded store resets a connection carrying a much larger body).
    for (let i = 0; i < events.length; i += 500) {
      const results = await this.db.bulk({ docs: events.slice(i, i + 500).map((event) => ({ ...event, _id: eventDocId(event.id) })) });
      for (const result of results) {
        if (result.error && result.error !== 'conflict') throw new Error(`the store refused HQ event "${result.id}": ${result.error} ${result.reason ?? ''}`);
      }
    }
  }

  /** The stored documents among `ids`, with their revisions. */
  async getMany<T extends HqDoc>(ids: readonly string[]): Promise<Map<string, T & { _rev: string }>> {
    const found = new Map<string, T & { _rev: string }>();
    if (ids.length === 0) return found;
    const page = await this.db.fetch({ keys: [...ids] });
    for (const row of page.rows) if ('doc' in row && row.doc) found.set(row.id, row.doc as unknown as T & { _rev: string });
    return found;
  }

  /**
   * Writes derived documents (`undefined`: delete) over what `stored` held. Those that lost a race
   * (another instance wrote first) are returned, for the caller to recompute and try again.
   */
  async putDerived(docs: ReadonlyMap<string, HqDoc | undefined>, stored: ReadonlyMap<string, { _rev: string }>): Promise<string[]> {
    const writes = [...docs].flatMap(([id, doc]) => {
      const rev = stored.get(id)?._rev;
      if (doc === undefined) return rev ? [{ _id: id, _rev: rev, _deleted: true } as never] : [];
      return [{ ...doc, _id: id, ...(rev ? { _rev: rev } : {}) } as never];
    });
    if (writes.length === 0) return [];
    const results = await this.db.bulk({ docs: writes });
    const lost: string[] = [];
    for (const result of results) {
      if (!result.error) continue;
      if (result.error === 'conflict') lost.push(result.id);
      else throw new Error(`the store refused HQ document "${result.id}": ${result.error} ${result.reason ?? ''}`);
    }
    return lost;
  }

  /** Rollups from `fromDay` to `toDay` (inclusive), every unit. */
  async rollups(fromDay: string, toDay: string): Promise<RollupDoc[]> {
    const page = await this.db.list({ include_docs: true, startkey: `r:${fromDay}:`, endkey: `r:${toDay}:\ufff0` });
    return page.rows.flatMap((row) => (row.doc ? [row.doc as unknown as RollupDoc] : []));
  }

  async checkpoint(): Promise<{ seq: string; rev?: string }> {
    try {
      const doc = (await this.db.get(CHECKPOINT_ID)) as unknown as { seq: string; _rev: string };
      return { seq: doc.seq, rev: doc._rev };
    } catch (error) {
      if (statusOf(error) === 404) return { seq: '0' };
      throw error;
    }
  }

  /**
   * Moves the checkpoint to `seq` — unless another instance moved it further meanwhile (the
   * number at the front of a CouchDB 3 sequence grows with it; the rest is opaque). Going back
   * would only cost re-deriving rows already indexed: every write of the indexer is idempotent.
   */
  async saveCheckpoint(seq: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const stored = await this.checkpoint();
      if (stored.seq === seq || (stored.rev && seqNumber(stored.seq) >= seqNumber(seq))) return;
      try {
        await this.db.insert({ type: 'checkpoint', seq, _id: CHECKPOINT_ID, ...(stored.rev ? { _rev: stored.rev } : {}) } as never);
        return;
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
    }
  }
}
