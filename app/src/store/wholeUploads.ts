/**
 * Attachments sent several whole to a request (`PUT /api/sync/blobs`): which go so, and how one
 * such request goes. The upload queue (`BlobQueue`) hands them out beside single uploads.
 */
import { BLOB_BATCH_ATTACHMENTS, BLOB_BATCH_BYTES, BLOB_CHUNK_BYTES, BLOB_CHUNKS_PER_REQUEST, blobBatchQuery, chunkCount, decodeBase64UrlInto } from '@seal/shared';
import { ApiError } from '../api/ApiError';
import type { BlobEntry } from './collections';
import type { LocalBook } from './localBook';
import { StoreError } from './StoreError';
import type { SyncClient } from './syncClient';

/** The server holds an upload but has not (yet) confirmed its bytes: the queue tries again later. */
export class BlobNotCompleteError extends Error {
  override readonly name = 'BlobNotCompleteError';
  constructor(readonly sha256: string, readonly received: number, readonly chunks: number) {
    super(`the server holds ${received} of ${chunks} chunks of ${sha256} but has not confirmed the bytes yet`);
  }
}

/** `parts` one after the other, `size` bytes in all. */
function concat(parts: readonly Uint8Array[], size: number): Uint8Array {
  const whole = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    whole.set(part, offset);
    offset += part.length;
  }
  return whole;
}

/**
 * Base64url `chunks` decoded one after the other into `place`: how many bytes they spell, or -1
 * when they are not base64url or spell more than `place` holds (what was decoded before may then
 * be in `place`).
 */
export function decodeInto(chunks: readonly string[], place: Uint8Array): number {
  let written = 0;
  try {
    for (const chunk of chunks) written += decodeBase64UrlInto(chunk, place.subarray(written));
  } catch {
    return -1;
  }
  return written;
}

/** A queued attachment: its bytes' hash and its entry. */
export interface Queued {
  readonly sha: string;
  readonly entry: BlobEntry;
}

/** What one uploader takes at a time: an attachment on its own, or several whole ones in one request. */
export type Upload = { readonly one: Queued } | { readonly batch: readonly Queued[] };

/**
 * How the ready attachments go up, in their order: those that can go whole in one request and
 * whose upload has not begun yet (a begun one asks the server first what it holds) are gathered
 * several to a request (`PUT /api/sync/blobs`, at most `BLOB_BATCH_ATTACHMENTS` and
 * `BLOB_BATCH_BYTES`); the others go up on their own, chunk by chunk. A batch of one goes on its own.
 */
export function uploadsOf(ready: readonly Queued[]): Upload[] {
  const uploads: Upload[] = [];
  let batch: Queued[] = [];
  let bytes = 0;
  const close = () => {
    if (batch.length === 1) uploads.push({ one: batch[0]! });
    else if (batch.length > 1) uploads.push({ batch });
    batch = [];
    bytes = 0;
  };
  for (const blob of ready) {
    const { entry } = blob;
    const batchable = entry.startedUnder !== entry.factRowId && entry.size <= BLOB_CHUNKS_PER_REQUEST * BLOB_CHUNK_BYTES
      && blobBatchQuery([{ factRowId: entry.factRowId, size: entry.size }]) !== undefined;
    if (!batchable) {
      uploads.push({ one: blob });
      continue;
    }
    if (batch.length === BLOB_BATCH_ATTACHMENTS || bytes + entry.size > BLOB_BATCH_BYTES) close();
    batch.push(blob);
    bytes += entry.size;
  }
  close();
  return uploads;
}

/**
 * Moves the bytes of each of `stuck` on from the fact they wait under: past facts the server
 * refused (for good), to the first fact naming them that this replica holds, the others behind it
 * (a fact whose unit left the scope waits there until it is back); with no fact left, their
 * upload ends (`refused`: the bytes stay here, nothing goes up). Before, bytes under a refused
 * fact, or one whose unit had left, waited for ever, and every later fact naming them behind it.
 * The entries queued now, as they stand.
 */
export async function passOver(book: LocalBook, stuck: readonly Queued[], refused: ReadonlySet<string>, held: ReadonlySet<string>): Promise<Queued[]> {
  if (stuck.length === 0) return [];
  const left = await book.changeBlobs(stuck.map((blob) => blob.sha), (_sha, entry) => {
    if (entry.state !== 'queued') return undefined;
    const facts = [entry.factRowId, ...(entry.alsoUnder ?? [])].filter((id) => !refused.has(id));
    const next = facts.find((id) => held.has(id)) ?? facts[0];
    if (next === entry.factRowId) return undefined;
    const { alsoUnder: _passed, ...kept } = entry;
    const rest = facts.filter((id) => id !== next);
    return next === undefined ? { ...kept, state: 'refused' } : { ...kept, factRowId: next, ...(rest.length > 0 ? { alsoUnder: rest } : {}), state: 'queued' };
  });
  return [...left].filter(([, entry]) => entry.state === 'queued').map(([sha, entry]) => ({ sha, entry }));
}

/**
 * Notes attachments up under their fact (the server said complete): each is uploaded, or queued
 * again under the next fact made here that names the same bytes (`true`). Each entry is changed
 * as it stands when written: such a fact may be queued behind the one just done meanwhile.
 */
export async function noteUploaded(book: LocalBook, done: readonly Queued[]): Promise<boolean[]> {
  const under = new Map(done.map(({ sha, entry }) => [sha, entry.factRowId]));
  const left = await book.changeBlobs(done.map((blob) => blob.sha), (sha, held) => {
    // Moved on meanwhile (another tab's queue did it): left as it stands.
    if (held.state !== 'queued' || held.factRowId !== under.get(sha)) return undefined;
    const [next, ...rest] = held.alsoUnder ?? [];
    const { alsoUnder: _done, startedUnder: _started, ...uploaded } = held;
    return next === undefined ? { ...uploaded, state: 'uploaded' } : { ...uploaded, factRowId: next, ...(rest.length > 0 ? { alsoUnder: rest } : {}), state: 'queued' };
  });
  return done.map(({ sha }) => left.get(sha)?.state === 'queued');
}

/**
 * Several whole attachments whose upload has not begun, in one request (`PUT /api/sync/blobs`):
 * each is noted as begun first (cut off, its next attempt asks the server what it holds, on its
 * own), then its bytes go up with the others'. What became of each, in order: up (or queued
 * again under its next fact), or the failure of that one alone (the server refused it, or has
 * not confirmed it), or its copy here is damaged (chunks missing, or not spelling its size: it
 * is left out of the request). A failure of the request itself (offline, signed out, the server
 * failing) is thrown, for all of them.
 */
export async function uploadWholes(book: LocalBook, client: SyncClient, batch: readonly Queued[]): Promise<({ again: boolean } | { error: unknown })[]> {
  const outcomes: ({ again: boolean } | { error: unknown } | undefined)[] = batch.map(() => undefined);
  // Every photo's bytes decoded straight into its place in one body (no array per chunk, nor per photo).
  const body = new Uint8Array(batch.reduce((sum, { entry }) => sum + entry.size, 0));
  const bytes = new Map<string, Uint8Array>();
  // Every chunk of the batch in one read of the local store (one read a photo cost the browser an
  // IndexedDB transaction and a query each), each photo's as its size counts them: an entry
  // counting others is damaged, and left out.
  const counts = batch.map(({ entry }) => (entry.chunks === chunkCount(entry.size) ? entry.chunks : 0));
  const read = await book.chunksAt(batch.flatMap(({ sha }, at) => Array.from({ length: counts[at]! }, (_, index) => ({ sha, index }))));
  let offset = 0;
  let next = 0;
  for (const [at, { sha, entry }] of batch.entries()) {
    const place = body.subarray(offset, offset + entry.size);
    offset += entry.size;
    const chunks = read.slice(next, (next += counts[at]!));
    if (counts[at] !== entry.chunks) outcomes[at] = { error: new StoreError('invalid_fact', `${sha} is noted here as ${entry.chunks} chunks, not the ${chunkCount(entry.size)} its ${entry.size} bytes make`) };
    else if (chunks.includes(undefined)) outcomes[at] = { error: new StoreError('invalid_fact', `chunks of ${sha} are missing here`) };
    else if (decodeInto(chunks as string[], place) !== entry.size) outcomes[at] = { error: new StoreError('invalid_fact', `chunks of ${sha} do not add up to its ${entry.size} bytes here`) };
    else bytes.set(sha, place);
  }
  // Noted before anything is sent (if this upload is cut off, its next attempt asks first), on
  // each entry as it stands: one up already, or queued under another fact meanwhile, is left (the
  // other fact goes up in a later pass).
  const under = new Map(batch.map(({ sha, entry }) => [sha, entry.factRowId]));
  const begun = await book.changeBlobs([...bytes.keys()], (sha, held) => (held.state === 'queued' && held.factRowId === under.get(sha) ? { ...held, startedUnder: held.factRowId } : undefined));
  const going: { readonly at: number; readonly blob: Queued; readonly bytes: Uint8Array }[] = [];
  for (const [at, { sha, entry }] of batch.entries()) {
    if (outcomes[at] !== undefined) continue;
    const now = begun.get(sha);
    if (now?.state === 'queued' && now.factRowId === entry.factRowId && now.size === entry.size) going.push({ at, blob: { sha, entry: now }, bytes: bytes.get(sha)! });
    else outcomes[at] = { again: now?.state === 'queued' };
  }
  if (going.length > 0) {
    const attachments = blobBatchQuery(going.map(({ blob }) => ({ factRowId: blob.entry.factRowId, size: blob.entry.size })));
    if (attachments === undefined) throw new StoreError('invalid_fact', 'these attachments cannot be named in one request');
    // The body as decoded when every photo goes (the usual case); else the ones going, together.
    const sent = going.length === batch.length ? body : concat(going.map((g) => g.bytes), going.reduce((sum, g) => sum + g.bytes.length, 0));
    const { results } = await client.putWholeBlobs(attachments, sent);
    if (results.length !== going.length) throw new StoreError('write_failed', `the server answered ${results.length} of ${going.length} attachments`);
    const done: { readonly at: number; readonly blob: Queued }[] = [];
    going.forEach(({ at, blob }, k) => {
      const result = results[k]!;
      if (result.fact !== blob.entry.factRowId) outcomes[at] = { error: new StoreError('write_failed', `the server answered for ${result.fact}, not ${blob.entry.factRowId}`) };
      else if (!result.ok) outcomes[at] = { error: new ApiError({ status: result.httpStatus, code: result.error, message: result.message, cause: result }) };
      else if (!result.status.complete) outcomes[at] = { error: new BlobNotCompleteError(blob.sha, result.status.received.length, result.status.chunks) };
      else done.push({ at, blob });
    });
    const again = done.length > 0 ? await noteUploaded(book, done.map((d) => d.blob)) : [];
    done.forEach(({ at }, k) => (outcomes[at] = { again: again[k]! }));
  }
  return outcomes.map((outcome) => outcome!);
}
