import type { RxCollection, RxDatabase, RxJsonSchema } from 'rxdb';
import type { SyncRefusalCode, SyncRow } from '@seal/shared';

/** A replicated row as RxDB stores it (facts carry `body`, changes `bytes`). */
export type RowDoc = SyncRow;

/** `records`: the projection of one subject, derived locally from the merged rows; never replicated. */
export interface RecordDoc {
  /** The subject, `kind:recordId`. */
  readonly id: string;
  readonly kind: string;
  readonly recordId: string;
  readonly scopeUnitId: string;
  readonly heads: readonly string[];
  /** The merged document (`null` while only facts about it are known). */
  readonly record: unknown;
  readonly valid: boolean;
  readonly derived: Readonly<Record<string, unknown>>;
}

/** A row the server refused, kept with its reason; it stays out of projections. */
export interface Refusal {
  readonly code: SyncRefusalCode;
  readonly message: string;
  readonly row: SyncRow;
  /** What became of a lifecycle move refused `future_time` (dated by a clock that ran fast): see `remakeFutureMoves`. */
  readonly remade?: RemadeMove;
}

/**
 * What became of a lifecycle move refused `future_time`: made again as a new row dated by the
 * corrected clock (`remade`), or left refused because the seal moved since (`seal_moved`: the
 * person decides whether to make it again). `offsetMs`: the correction, the server's clock minus
 * this device's (negative: the device ran fast).
 */
export type RemadeMove =
  | { readonly outcome: 'remade'; readonly rowId: string; /** When the new row says the move was made (the refused one's time, corrected). */ readonly at: number; readonly offsetMs: number }
  | { readonly outcome: 'seal_moved'; readonly offsetMs: number };

/** An attachment's bytes, queued to go up after the fact that describes it. */
export interface BlobEntry {
  /** The attachment fact's row id the bytes are uploaded under. */
  readonly factRowId: string;
  readonly mime: string;
  readonly size: number;
  readonly chunks: number;
  /** `queued` → `uploaded` here, or `refused` (every fact made here naming them was refused); `downloaded` once fetched from the server. */
  readonly state: 'queued' | 'uploaded' | 'downloaded' | 'refused';
  /**
   * Further attachment facts made here that name the same bytes, to upload under next: the
   * server opens bytes only to readers of a fact whose own upload delivered them.
   */
  readonly alsoUnder?: readonly string[];
  /**
   * The fact under which chunks may have gone up already (set before the first one is sent): an
   * upload not started asks the server nothing first — it holds nothing of it — while one started
   * (then interrupted, or the app closed) asks which chunks the server holds and sends only the others.
   */
  readonly startedUnder?: string;
}

/** What each kind of device-local entry holds in `data`. */
export interface LocalData {
  /**
   * Written by versions before stop 32 (read, answered and swept still; never written now: see
   * `OutboxEntry`): one row made here the server has not answered yet. Key: row id. `seq`: the
   * order rows go up in (`null` in the oldest: their `at`, in ms, orders them).
   */
  outbox: { readonly seq: number } | null;
  /** Key: row id. */
  refusal: Refusal;
  /** Key: SHA-256 of the bytes. */
  blob: BlobEntry;
  /** One chunk of an attachment's bytes, base64url. Key: `sha256:index` (index zero-padded). */
  chunk: { readonly data: string };
  /** A small named value (last successful sync…), or an outbox entry (`OutboxEntry`, key `outbox~…`). Key: its name. */
  state: unknown;
}
export type LocalType = keyof LocalData;

/**
 * `local`: device-local bookkeeping that never replicates — the outbox, refusals, attachment
 * bytes and small state — in one collection, keyed `type:key`. One collection rather than five:
 * RxDB's open core allows 13 collections per JS context, and a test process runs several replicas.
 */
export interface LocalDoc<T extends LocalType = LocalType> {
  readonly id: string;
  readonly type: T;
  readonly key: string;
  readonly at: number;
  readonly data: LocalData[T];
}

/**
 * The outbox: rows made here the server has not answered yet (what "waiting to go up" counts), one
 * entry per write (at most `OUTBOX_ENTRY_ROWS` rows: a longer write takes consecutive entries),
 * kept in `local` as a `state` entry keyed `outbox~<seq>-<random>`. `ids`: the rows, in the order
 * made, each leaving as the server answers it; the entry goes with its last. `seq`: the order
 * entries go up in (the clock in µs, or one past the last). Not an `outbox` entry: a build from
 * before stop 32 reads every `outbox` entry's key as a row id, and would sweep these as orphans
 * (a tab left on it, or a rollback, would lose what waits); it never reads these states. Nor a
 * collection of its own: RxDB's open core caps the collections of a process (ADR 003: the three collections).
 */
export interface OutboxEntry {
  readonly seq: number;
  readonly ids: readonly string[];
}

/** Where outbox entries are kept among the `state` entries (see `OutboxEntry`). */
export const OUTBOX_STATE_PREFIX = 'outbox~';

/** The most rows one outbox entry holds (the app's push batch): an answer to a long write mostly removes whole entries. */
export const OUTBOX_ENTRY_ROWS = 100;

export interface SealCollections {
  rows: RxCollection<RowDoc>;
  records: RxCollection<RecordDoc>;
  local: RxCollection<LocalDoc>;
}

export type SealDatabase = RxDatabase<SealCollections>;

/** The id of a local entry. */
export const localId = (type: LocalType, key: string): string => `${type}:${key}`;

const text = (maxLength: number) => ({ type: 'string', maxLength }) as const;

const rowsSchema = {
  title: 'replicated rows: append-only facts and Automerge changes',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: text(600),
    type: { type: 'string', enum: ['fact', 'change'], maxLength: 8 },
    kind: text(40),
    subject: text(200),
    scopeUnitId: text(128),
    author: text(128),
    createdAt: { type: 'integer', minimum: 0 },
    body: { type: 'object' },
    bytes: { type: 'string' },
  },
  required: ['id', 'type', 'kind', 'subject', 'scopeUnitId', 'author', 'createdAt'],
  indexes: ['subject'],
} as unknown as RxJsonSchema<RowDoc>;

const recordsSchema = {
  title: 'local projections of records',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: text(200),
    kind: text(20),
    recordId: text(128),
    scopeUnitId: text(128),
    heads: { type: 'array', items: { type: 'string' } },
    record: {},
    valid: { type: 'boolean' },
    derived: { type: 'object' },
  },
  required: ['id', 'kind', 'recordId', 'scopeUnitId', 'heads', 'valid', 'derived'],
  indexes: ['kind'],
} as unknown as RxJsonSchema<RecordDoc>;

const localSchema = {
  title: 'device-local bookkeeping: outbox, refusals, attachment bytes, state',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: text(640),
    type: { type: 'string', enum: ['outbox', 'refusal', 'blob', 'chunk', 'state'], maxLength: 8 },
    key: text(620),
    at: { type: 'integer', minimum: 0 },
    data: {},
  },
  required: ['id', 'type', 'key', 'at'],
  indexes: [['type', 'key']],
} as unknown as RxJsonSchema<LocalDoc>;

/** The local store's three collections. */
export const COLLECTION_SCHEMAS = {
  rows: { schema: rowsSchema },
  records: { schema: recordsSchema },
  local: { schema: localSchema },
} as const;
