import { z } from 'zod';
import { decodableBase64UrlSchema } from '../domain/primitives';
import { toBase64Url } from '../encoding/base64url';
import { sha256 } from '../encoding/canonical';
import { factRowId, type SyncRow } from './rows';
import type { GrantRefusalCode } from '../domain/grantRefusal';
import type { ImpressionRefusalCode } from '../domain/judgeImpression';

/** Most rows one push may carry. */
export const MAX_PUSH_ROWS = 1000;
/** Most rows one pull returns. */
export const MAX_PULL_ROWS = 2000;
/** Bytes per attachment chunk (the last one may be shorter). */
export const BLOB_CHUNK_BYTES = 128 * 1024;
/** How many chunks a blob of `size` bytes is sent in (an empty blob is one empty chunk). */
export const chunkCount = (size: number): number => Math.max(1, Math.ceil(size / BLOB_CHUNK_BYTES));

/**
 * Why the server refused a pushed row. The row comes back with one of these and a sentence; the
 * app keeps the row, marks it and shows why.
 */
export type SyncRefusalCode =
  | 'invalid_row'
  | 'invalid_record'
  | 'invalid_change'
  | 'id_mismatch'
  | 'not_pushable'
  | 'forged_author'
  | 'fact_conflict'
  | 'bad_signature'
  | 'unknown_credential'
  | 'revoked_credential'
  | 'unknown_record'
  | 'wrong_scope'
  | 'missing_dependency'
  | 'illegal_transition'
  /** A lifecycle move made from a status the seal has left (offline, concurrently): see `judgeSealMove`. */
  | 'stale_transition'
  /** A lifecycle move dated more than 5 minutes ahead of the server's clock: see `judgeMoveTime`. */
  | 'future_time'
  /** A second creation of a record the server holds: see `judgeRecordEdit`. */
  | 'record_exists'
  | 'not_permitted'
  | 'out_of_scope'
  | 'not_own_request'
  /** An edit of what approvers read but do not sign (title, pages, copies, purpose) after a decision: see `requestEditAfterDecision`. */
  | 'request_decided'
  | 'self_decision'
  | 'seal_custodian_excluded'
  | 'inactive_user'
  /** A lifecycle move whose route asks for a review, pushed without an approved governance request (ADR 009). */
  | 'governance_required'
  // a grant that the shared grant rule (`judgeGrant`) refuses
  | GrantRefusalCode
  // an impression that the shared impression rule (`judgeImpression`) refuses
  | ImpressionRefusalCode;

/**
 * A replica's own id (random, kept with its local database): the server notes it with the rows
 * the replica pushed and leaves those out of the replica's pulls and live hints — it holds them
 * already. Only rows its own user pushed count as its own: the id is the client's word.
 */
export const replicaIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, { message: 'expected a replica id of 8–64 characters from A-Z a-z 0-9 _ -' });

/** `POST /api/sync/push`: rows are parsed one by one, so one bad row never sinks its batch. */
export const pushRequestSchema = z.strictObject({ rows: z.array(z.unknown()).min(1).max(MAX_PUSH_ROWS), replica: replicaIdSchema.optional() });

/** The answer for one pushed row, in the order pushed. */
export type PushResult =
  | { readonly id: string; readonly status: 'accepted' }
  /** The server already held the row. `stored` is its copy when that differs from what was sent (another replica's envelope). */
  | { readonly id: string; readonly status: 'duplicate'; readonly stored?: SyncRow }
  | { readonly id: string; readonly status: 'refused'; readonly code: SyncRefusalCode; readonly message: string };

export interface PushResponse {
  readonly results: readonly PushResult[];
  /** The server's clock when it answered (see `PullResponse.serverTime`). */
  readonly serverTime?: number;
}

/** Most characters of a pull checkpoint: the store's sequence (long on a CouchDB cluster) and the units it covers. */
export const MAX_PULL_CHECKPOINT_CHARS = 8192;

/**
 * The header every sync request of a local replica carries: the user its store belongs to. Tabs
 * share cookies, so the session may be another person's (signed in in another tab); the server
 * then answers 401 `replica_user_mismatch` and does nothing, and the replica stops syncing with
 * its outbox intact. The header only ever makes the server refuse: it grants nothing.
 */
export const REPLICA_USER_HEADER = 'x-sealctl-replica-user';

/** `GET /api/sync/pull`: an opaque checkpoint, a batch size, the replica asking. Nothing else is accepted. */
export const pullQuerySchema = z.strictObject({
  since: z.string().min(1).max(MAX_PULL_CHECKPOINT_CHARS).optional(),
  replica: replicaIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PULL_ROWS).optional(),
  /** The `scopeRef` of the scope the replica holds (the answer that ends a pull then names the units only if the scope changed). */
  scopeRef: z.string().regex(/^[A-Za-z0-9_-]{43}$/).optional(),
});

/**
 * `GET /api/sync/stream`: the replica listening, if it says. Rows it pushed itself are no reason
 * to hint it (its pulls leave them out), so a change made only of those sends it nothing.
 * Nothing else is accepted.
 */
export const streamQuerySchema = z.strictObject({ replica: replicaIdSchema.optional() });

/** A scope's reference (`PullResponse.scopeRef`): SHA-256, base64url, of its units sorted, one per line. */
export async function scopeRefOf(units: readonly string[]): Promise<string> {
  return toBase64Url(await sha256(new TextEncoder().encode([...units].sort().join('\n'))));
}

export interface PullResponse {
  readonly rows: readonly SyncRow[];
  /**
   * Pass back as `since`. Opaque to the client: the units delivered and the server's position in
   * the store's change feed (and, during a back-fill, in its scope index), so that units that
   * joined the scope are back-filled from the index and units that left are announced in `left`.
   */
  readonly checkpoint: string;
  /**
   * Units that were in scope when the checkpoint given as `since` was taken and are no longer:
   * the replica removes the rows it holds in them (keeping its own rows still waiting to go up).
   */
  readonly left: readonly string[];
  /**
   * Rows still owed to this replica after this answer (for progress), never changes of the store
   * outside its scope: exact while the server back-fills from its scope index (a fresh replica, a
   * unit that joined), an upper bound while it reads the change feed (ADR 010).
   */
  readonly remaining: number;
  /**
   * True when the server stopped before it was done (a request reads a bounded number of index
   * entries and changes): there may be more rows in scope even if fewer than `limit` came.
   */
  readonly more: boolean;
  /**
   * On the answer that ends a pull (`more: false`): the units in the user's scope today, or
   * `'all'`. The replica drops rows it holds of any other unit (keeping its own rows still waiting
   * to go up, and refusals), whatever its checkpoint covers: one rolled back (a crash between an
   * answer's rows and its checkpoint, a stale answer delivered again) no longer covers every unit
   * it holds rows of, and `left` names only units the checkpoint covered.
   */
  readonly scope?: readonly string[] | 'all';
  /**
   * With a list in `scope`, or instead of it: the SHA-256 (base64url) of the scope's units. The
   * list is sent only when the replica's `scopeRef` (in the query) differs: a scope of hundreds
   * of units is not sent again with every pull that finds nothing new.
   */
  readonly scopeRef?: string;
  /**
   * The server's clock when it answered (ms since the epoch). The app learns from it how far its
   * own clock is off, and dates the rows it makes by its clock so corrected (ADR 003, *Clocks*).
   */
  readonly serverTime?: number;
}

/** `GET /api/sync/blobs/:sha256`: which chunks of an attachment the server holds. */
export interface BlobStatus {
  readonly sha256: string;
  readonly size: number;
  readonly chunks: number;
  readonly received: readonly number[];
  readonly complete: boolean;
}

/** Which attachment fact a blob request is made under (the server checks its scope). */
export const blobQuerySchema = z.strictObject({ fact: z.string().min(1).max(600) });

/** `PUT /api/sync/blobs/:sha256/chunks/:index?fact=…`: one chunk, base64url. */
export const blobChunkBodySchema = z.strictObject({
  data: decodableBase64UrlSchema.min(1).max(Math.ceil((BLOB_CHUNK_BYTES * 4) / 3) + 4),
});

/**
 * How many chunks one request may carry (`PUT /api/sync/blobs/:sha256/chunks`): a photo of a few
 * hundred KB goes up in one request that the server keeps at once, rather than one request per
 * chunk, each staged, read back and dropped. Resuming still works chunk by chunk.
 */
export const BLOB_CHUNKS_PER_REQUEST = 4;

/** `PUT /api/sync/blobs/:sha256/chunks?fact=…&from=…`: which chunk the first one carried is. */
export const blobChunksQuerySchema = blobQuerySchema.extend({
  // Digits only, one spelling per number (no "", "0x10", "1e2" or " 3 " taken as one).
  from: z.string().regex(/^(0|[1-9][0-9]{0,5})$/, { message: 'expected the index of a chunk: digits, without leading zeros' }),
});

/** `PUT /api/sync/blobs/:sha256/chunks`: consecutive chunks from `from`, base64url each. */
export const blobChunksBodySchema = z.strictObject({
  data: z.array(blobChunkBodySchema.shape.data).min(1).max(BLOB_CHUNKS_PER_REQUEST),
});

/**
 * `PUT /api/sync/blobs/:sha256/bytes?fact=…&from=…`: the same consecutive chunks as
 * `…/chunks`, sent as their bytes (`application/octet-stream`), one after the other: a third
 * fewer bytes than base64url, and no JSON to write or parse on either side.
 */
export const BLOB_BYTES_MEDIA_TYPE = 'application/octet-stream';

/**
 * How `length` bytes from chunk `from` divide into whole consecutive chunks of an attachment of
 * `size` bytes (at most `BLOB_CHUNKS_PER_REQUEST`): each chunk's length, or why they do not.
 * The server cuts a request's body by it; the client sends whole chunks, as `missingRuns` lists them.
 */
export function chunkSpans(size: number, from: number, length: number): { readonly ok: true; readonly lengths: readonly number[] } | { readonly ok: false; readonly reason: string } {
  const chunks = chunkCount(size);
  if (from >= chunks) return { ok: false, reason: `chunk ${from} is past the last chunk (${chunks - 1}) of ${size} bytes` };
  const lengths: number[] = [];
  let left = length;
  for (let index = from; left > 0 && index < chunks && lengths.length < BLOB_CHUNKS_PER_REQUEST; index++) {
    const chunk = Math.min(BLOB_CHUNK_BYTES, size - index * BLOB_CHUNK_BYTES);
    if (left < chunk) break;
    lengths.push(chunk);
    left -= chunk;
  }
  if (lengths.length === 0 || left > 0) {
    return { ok: false, reason: `${length} bytes from chunk ${from} are not 1 to ${BLOB_CHUNKS_PER_REQUEST} whole chunks of ${size} bytes (of ${BLOB_CHUNK_BYTES} bytes each, the last ${size - (chunks - 1) * BLOB_CHUNK_BYTES})` };
  }
  return { ok: true, lengths };
}

/**
 * `PUT /api/sync/blobs?attachments=…`: several whole attachments in one request, their bytes one
 * after the other (`BLOB_BYTES_MEDIA_TYPE`). A catch-up's photos are mostly small and each a
 * request of its own spent more on the request (the session, the fact, the store's round trips)
 * than on its bytes. At most this many attachments, and this many bytes, in one request.
 */
export const BLOB_BATCH_ATTACHMENTS = 16;
export const BLOB_BATCH_BYTES = 4 * 1024 * 1024;

/** One attachment of a batch in its query: the id of its fact (`fact:attachment:<id>`), a dot, its size in bytes. */
const BATCH_ITEM = '[0-9a-f]{64}\\.[1-9][0-9]{0,7}';

/** The query of `PUT /api/sync/blobs`: `attachments=<fact id>.<size>,…`, in the order of the bytes. */
export const blobBatchQuerySchema = z.strictObject({
  attachments: z.string().regex(new RegExp(`^${BATCH_ITEM}(,${BATCH_ITEM}){0,${BLOB_BATCH_ATTACHMENTS - 1}}$`), {
    message: `expected 1 to ${BLOB_BATCH_ATTACHMENTS} attachments as <fact id>.<size>, separated by commas (the fact id: 64 lowercase hex characters; the size: digits, without leading zeros)`,
  }),
});

/** One attachment of a batch: the row id of its fact and its size. */
export interface BlobBatchItem {
  readonly factRowId: string;
  readonly size: number;
}

/** The attachments a batch's query names, in order (the query as `blobBatchQuerySchema` took it). */
export const parseBlobBatch = (attachments: string): BlobBatchItem[] =>
  attachments.split(',').map((item) => {
    const [id, size] = item.split('.');
    return { factRowId: factRowId('attachment', id!), size: Number(size) };
  });

/** The query value naming `items` (attachment facts, by row id `fact:attachment:<id>`), or `undefined` if one cannot be named so. */
export function blobBatchQuery(items: readonly BlobBatchItem[]): string | undefined {
  const prefix = factRowId('attachment', '');
  const named = items.map(({ factRowId: id, size }) => (id.startsWith(prefix) ? `${id.slice(prefix.length)}.${size}` : ''));
  const query = named.join(',');
  return blobBatchQuerySchema.safeParse({ attachments: query }).success ? query : undefined;
}

/** Events on `GET /api/sync/stream` (server-sent events). */
export const SYNC_STREAM_EVENTS = { ready: 'ready', changes: 'changes' } as const;

/**
 * The server writes a comment line on the live stream this often, so that proxies and idle
 * timers keep it open — and so that a replica hearing nothing for several of these knows the
 * connection is gone (half-open: the tablet moved to another network, a hotspot dropped) and
 * connects again, instead of waiting for hints that can no longer arrive.
 */
export const SYNC_STREAM_HEARTBEAT_MS = 15_000;
