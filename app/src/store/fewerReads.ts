/**
 * The local store's storage: RxDB on the browser's IndexedDB through Dexie, with one change to
 * how Dexie reads many documents by key.
 *
 * RxDB reads every document of a write by key before writing it (`bulkGet`: is it new, or which
 * revision does it replace?). Dexie's `getMany` sends one IndexedDB `get` per key. In Chromium
 * each `get` is a request to the browser's process, ~0.1 ms of the page's time. A fresh
 * replica's pull of 10,000 rows made 10,000 such requests, almost all of them for rows not held
 * (measured in the browser bench: 2.1 s of the page's 9 s).
 *
 * `fewerReads` asks first which of the keys are held: it lists the keys in their range (one
 * `getAllKeys`, keys only), then sends a `get` for each held key alone. The listing stops at a
 * limit: within a write's transaction (`readwrite`: RxDB's look before a write, where most keys of
 * an insert are new), `FEWER_READS_SPREAD` times as many keys as were asked for; in a read-only
 * one, as many (a read of documents all held, such as a batch of rows to push or a photo's
 * chunks, lists no more keys than it then gets; one of keys mostly not held, such as the
 * refusals of a pushed batch, lists few). At the limit, it reads key by key as before, for the
 * cost of the one listing, whatever the store's size. It is the same transaction throughout:
 * nothing can come or go between the list and the reads. What it saves, and the variants tried
 * (listing more in read-only reads, listing none there, counting first): ADR 003.
 */
import type { DBCore, DBCoreGetManyRequest, DBCoreKeyRange, DBCoreTable, Middleware } from 'dexie';
import type Dexie from 'dexie';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';

/** Reads of fewer keys than this go key by key: asking which are held would not save a request. */
export const FEWER_READS_MIN_KEYS = 32;
/** At most this many held keys a key asked for are listed (else each key is read on its own). */
export const FEWER_READS_SPREAD = 16;

/** `DBCoreRangeType.Range` (a const enum in Dexie's types, which isolated modules cannot read). */
const RANGE = 2;

/** The keys' range, when every key is a string (the only keys this store uses); else undefined. */
function rangeOf(keys: readonly unknown[]): DBCoreKeyRange | undefined {
  let lower: string | undefined;
  let upper: string | undefined;
  for (const key of keys) {
    if (typeof key !== 'string') return undefined;
    if (lower === undefined || key < lower) lower = key;
    if (upper === undefined || key > upper) upper = key;
  }
  return lower === undefined ? undefined : { type: RANGE, lower, upper, lowerOpen: false, upperOpen: false };
}

/**
 * Whether a read is a write's own (RxDB's look at what a write replaces, where most keys of an
 * insert are new), or a read that may find its documents all held (a batch of rows to push, a
 * photo's chunks), where a long listing would only add to the gets. Dexie's transaction on
 * IndexedDB is the IDBTransaction, which tells its mode.
 */
const isWrite = (trans: unknown): boolean => (trans as { readonly mode?: unknown } | null)?.mode === 'readwrite';

/**
 * `table` whose `getMany` asks which keys are held first (see above). Each step is chained on the
 * promise the step below gives back (Dexie's own, which carries the transaction into its
 * callbacks), as Dexie's own middlewares do, rather than awaited.
 */
function withFewerReads(table: DBCoreTable): DBCoreTable {
  return {
    ...table,
    getMany(request: DBCoreGetManyRequest): Promise<unknown[]> {
      const range = request.keys.length >= FEWER_READS_MIN_KEYS ? rangeOf(request.keys) : undefined;
      if (range === undefined) return table.getMany(request);
      const keys = request.keys as string[];
      const limit = keys.length * (isWrite(request.trans) ? FEWER_READS_SPREAD : 1);
      return table.query({ trans: request.trans, values: false, limit, query: { index: table.schema.primaryKey, range } }).then((listed) => {
        // The range holds too many others: read key by key, as Dexie does.
        if (listed.result.length >= limit) return table.getMany(request);
        const held = new Set(listed.result as string[]);
        // In the order asked, repeats included (each gets its own copy, as from Dexie).
        const wanted = keys.filter((key) => held.has(key));
        if (wanted.length === 0) return keys.map(() => undefined);
        return table.getMany({ ...request, keys: wanted }).then((found: unknown[]) => {
          let next = 0;
          return keys.map((key) => (held.has(key) ? found[next++] : undefined));
        });
      });
    },
  };
}

/** The Dexie middleware (see above). */
export const fewerReads: Middleware<DBCore> = {
  stack: 'dbcore',
  name: 'sealctl-fewer-reads',
  create: (down) => ({ ...down, table: (name) => withFewerReads(down.table(name)) }),
};

/** RxDB's Dexie storage for the app's local store, with `fewerReads` (options: Dexie's, e.g. another IndexedDB). */
export function localStorageDexie(options: { indexedDB?: IDBFactory; IDBKeyRange?: typeof IDBKeyRange } = {}): ReturnType<typeof getRxStorageDexie> {
  return getRxStorageDexie({ ...options, onCreate: (db: Dexie) => void db.use(fewerReads) });
}
