import type { DocumentScope } from 'nano';
import type { TimelineEvent } from '@seal/shared';
import { isConflict, statusOf } from '../couch/docs';
import { seqNumber } from '../sync/rowsRepo';

/**
 * An event as the indexer derives it from its row (the index stores no copy: its postings name
 * the row, read again to show it): the timeline event, `h` (its tie-break in the newest-first
 * order: see `tieOf`) and `n` (a low battery's percent).
 */
/** `n`: a low battery's percent; `b`: the seq of the device binding a device entry's seal came from. */
export type EventDoc = TimelineEvent & { readonly type: 'event'; readonly h: string; readonly n?: number; readonly b?: number };

/**
 * The postings of one access path in one time bucket (`_id` = `x:` + path + `:` + the bucket's
 * start, zero-padded): the primary index (`_all_docs`) orders them by path, then time, so a
 * path's events newest first are a descending `_all_docs` range — no view to build. `entries` is
 * the JSON text of the postings, newest first (a string: its MAC and its parsing stay cheap).
 */
export interface PostingDoc {
  readonly type: 'postings';
  readonly path: string;
  readonly bucket: number;
  readonly entries: string;
}

/** A device's day in one unit, as a day's aggregates keep it. */
export interface DeviceDay {
  stamps: number;
  lastAt: number;
  /** The last low-battery report that day: [at, percent]. */
  battery?: [number, number];
  /** The seal its latest event that day named. */
  sealId?: string;
}

/** One unit's part of a day's aggregates. */
export interface UnitDay {
  readonly stampsBySeal: Record<string, number>;
  /** Of those stamps, how many the device made without a grant. */
  stampsWithoutGrant: number;
  readonly devices: Record<string, DeviceDay>;
  /** Approval latencies (ms) of the unit's requests whose last approval fell that day, ascending. */
  readonly latencies: number[];
}

/** Events of one day by unit and kind (`_id` = `c:` + day): what the log's counts add up. */
export interface CountsDoc {
  readonly type: 'counts';
  readonly day: string;
  readonly units: Record<string, Record<string, number>>;
}

/** The dashboard's figures of one day by unit (`_id` = `g:` + day), recomputed from the day's events. */
export interface DayDoc {
  readonly type: 'day';
  readonly day: string;
  readonly units: Record<string, UnitDay>;
}

/** What the index knows of a request (`_id` = `q:` + request id): its creation and each verdict, by event id. */
export interface RequestDoc {
  readonly type: 'request';
  readonly requestId: string;
  readonly created: [number, string] | null;
  readonly verdicts: Record<string, [number, 'a' | 'x']>;
}

/**
 * A device's seal bindings (`_id` = `b:` + device id): seq → seal id; and `indexedTo`, the
 * greatest seq of the device's entries indexed (merged by max): a binding indexed later reaches
 * back only to entries up to it.
 */
export interface BindingsDoc {
  readonly type: 'bindings';
  readonly deviceId: string;
  readonly bindings: Record<string, string>;
  readonly indexedTo?: number;
}

export type HqDoc = EventDoc | PostingDoc | CountsDoc | DayDoc | RequestDoc | BindingsDoc | { readonly type: 'checkpoint'; readonly seq: string; readonly format?: number };

export const countsDocId = (day: string): string => `c:${day}`;
export const dayDocId = (day: string): string => `g:${day}`;
export const requestDocId = (requestId: string): string => `q:${requestId}`;
export const bindingsDocId = (deviceId: string): string => `b:${deviceId}`;
const CHECKPOINT_ID = 'checkpoint';
/** The index's layout: a checkpoint of another layout counts as none (everything is derived again). */
const FORMAT = 4;

type Stored<T> = T & { _rev: string };

/** Bulk writes of at most this many documents or characters (the embedded store is one process). */
const BULK_DOCS = 500;
const BULK_CHARS = 4_000_000;

const sizeOf = (doc: object): number => ('entries' in doc && typeof doc.entries === 'string' ? doc.entries.length + 200 : 500);

/** The HQ index database (MAC-checked: every document written carries the server's MAC). */
export class HqStore {
  constructor(readonly db: DocumentScope<HqDoc>) {}

  /** `_bulk_docs` in pieces the embedded store takes (it resets a connection carrying a much larger body). */
  private async bulk(docs: readonly object[]): Promise<{ id: string; error?: string; reason?: string }[]> {
    const results: { id: string; error?: string; reason?: string }[] = [];
    let chunk: object[] = [];
    let chars = 0;
    const send = async (): Promise<void> => {
      if (chunk.length === 0) return;
      results.push(...(await this.db.bulk({ docs: chunk as never[] })) as { id: string; error?: string; reason?: string }[]);
      chunk = [];
      chars = 0;
    };
    for (const doc of docs) {
      if (chunk.length >= BULK_DOCS || (chars > 0 && chars + sizeOf(doc) > BULK_CHARS)) await send();
      chunk.push(doc);
      chars += sizeOf(doc);
    }
    await send();
    return results;
  }

  /** The stored documents among `ids`, with their revisions. */
  async getMany<T extends HqDoc>(ids: readonly string[]): Promise<Map<string, Stored<T>>> {
    const found = new Map<string, Stored<T>>();
    for (let i = 0; i < ids.length; i += 1000) {
      const page = await this.db.fetch({ keys: ids.slice(i, i + 1000) });
      for (const row of page.rows) if ('doc' in row && row.doc) found.set(row.id, row.doc as unknown as Stored<T>);
    }
    return found;
  }

  /** Documents by id range (`_all_docs`, the primary index), `descending` from `start` to `end` inclusive. */
  async range<T extends HqDoc>(start: string, end: string, options: { descending?: boolean; limit?: number } = {}): Promise<Stored<T>[]> {
    const page = await this.db.list({ include_docs: true, startkey: start, endkey: end, ...options });
    return page.rows.flatMap((row) => (row.doc ? [row.doc as unknown as Stored<T>] : []));
  }

  /**
   * Read-merge-write: `merge` gives what a document becomes over what is stored (`undefined`:
   * unchanged). A write that lost a race (another instance wrote first) is merged again over the
   * newer document: merges are unions, so every instance ends with the same documents.
   */
  async mergeDocs<T extends HqDoc>(ids: readonly string[], merge: (id: string, stored: T | undefined) => T | undefined): Promise<void> {
    let pending = [...ids];
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= 10) throw new Error(`HQ index documents kept changing under the indexer: ${pending.slice(0, 3).join(', ')}…`);
      const stored = await this.getMany<T>(pending);
      const writes = pending.flatMap((id) => {
        const held = stored.get(id);
        const doc = merge(id, held && stripped(held));
        return doc ? [{ ...doc, _id: id, ...(held ? { _rev: held._rev } : {}) }] : [];
      });
      pending = await this.written(writes);
    }
  }

  /**
   * Recomputed documents: their revisions are read *before* `compute` reads the events, so a
   * write that succeeds was computed from everything stored before it; one that lost a race is
   * computed again. `undefined` deletes.
   */
  async replaceDocs(ids: readonly string[], compute: (ids: readonly string[]) => Promise<Map<string, HqDoc | undefined>>): Promise<void> {
    let pending = [...ids];
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= 10) throw new Error(`HQ aggregates kept changing under the indexer: ${pending.slice(0, 3).join(', ')}…`);
      const stored = await this.getMany(pending);
      const docs = await compute(pending);
      const writes = pending.flatMap((id): object[] => {
        const held = stored.get(id);
        const doc = docs.get(id);
        if (doc === undefined) return held ? [{ _id: id, _rev: held._rev, _deleted: true }] : [];
        if (held && JSON.stringify(stripped(held)) === JSON.stringify(doc)) return [];
        return [{ ...doc, _id: id, ...(held ? { _rev: held._rev } : {}) }];
      });
      pending = await this.written(writes);
    }
  }

  /** Writes, returning the ids that lost a race. */
  private async written(writes: readonly object[]): Promise<string[]> {
    const lost: string[] = [];
    for (const result of await this.bulk(writes)) {
      if (!result.error) continue;
      if (result.error === 'conflict') lost.push(result.id);
      else throw new Error(`the store refused HQ document "${result.id}": ${result.error} ${result.reason ?? ''}`);
    }
    return lost;
  }

  async checkpoint(): Promise<{ seq: string; rev?: string }> {
    try {
      const doc = (await this.db.get(CHECKPOINT_ID)) as unknown as { seq: string; format?: number; _rev: string };
      return { seq: doc.format === FORMAT ? doc.seq : '0', rev: doc._rev };
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
      if (stored.seq === seq || (stored.rev && stored.seq !== '0' && seqNumber(stored.seq) >= seqNumber(seq))) return;
      try {
        await this.db.insert({ type: 'checkpoint', seq, format: FORMAT, _id: CHECKPOINT_ID, ...(stored.rev ? { _rev: stored.rev } : {}) } as never);
        return;
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
    }
  }
}

/** A stored document without CouchDB's fields. */
function stripped<T>(doc: T & { _rev: string }): T {
  const { _id: _i, _rev: _r, ...rest } = doc as T & { _rev: string; _id?: string };
  return rest as T;
}
