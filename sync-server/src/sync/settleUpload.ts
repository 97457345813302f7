import { createHash } from 'node:crypto';
import { BLOB_CHUNK_BYTES, fromBase64Url, sha256, toHex, type BlobStatus } from '@seal/shared';
import { ApiError } from '../http/errors';
import { chunkCount, type BlobsRepo, type StagedPart } from './blobsRepo';

/** The key of the upload made under one attachment fact (fixed length, whatever the row id). */
export const uploadKeyOf = (factRowId: string): string => createHash('sha256').update(factRowId).digest('hex');

/** A chunk of an upload as a request carries it. */
export interface StagedChunk {
  readonly index: number;
  readonly data: string;
}

const allChunks = (size: number): number[] => Array.from({ length: chunkCount(size) }, (_, i) => i);

const doneStatus = (sha: string, size: number): BlobStatus => ({ sha256: sha, size, chunks: chunkCount(size), received: allChunks(size), complete: true });

/**
 * Where the upload of `sha` under the attachment fact `factRowId` stands — and, if every chunk
 * has arrived but was never assembled (the request that stored the last one failed or the server
 * died before assembling), assembles it now. Called on every status check and by every chunk
 * upload that did not complete the upload itself (`receiveChunk`), so an upload completes however
 * it was interrupted; idempotent, so two requests doing it at once (or one repeating a half-done
 * one) write nothing twice.
 *
 * `complete` means: an upload under THIS fact delivered bytes that hash to `sha`. That, and
 * nothing less, is what opens the bytes to the readers of this fact: a fact that merely names a
 * hash someone else uploaded proves nothing, so it opens nothing.
 *
 * @param inHand - the chunk this very request staged: not read back from the store
 */
export async function settleUpload(blobs: BlobsRepo, sha: string, factRowId: string, size: number, inHand?: StagedChunk): Promise<BlobStatus> {
  const upload = uploadKeyOf(factRowId);
  const indices = allChunks(size);
  // Which parts are staged (no data yet: most checks find the upload unfinished).
  const first = await blobs.uploadState(sha, upload, indices, false);
  if (first.proven) {
    // A chunk staged by a request that came after the upload was proven (a late retry): dropped.
    const late = inHand === undefined ? undefined : first.parts.get(inHand.index);
    if (late !== undefined) await blobs.dropParts([late]);
    return doneStatus(sha, size);
  }
  if (first.parts.size < indices.length) return { sha256: sha, size, chunks: indices.length, received: [...first.parts.keys()], complete: false };
  const others = indices.filter((i) => i !== inHand?.index);
  const state = others.length === 0 ? first : await blobs.uploadState(sha, upload, others, true);
  if (state.proven) return doneStatus(sha, size);
  if (state.parts.size < others.length) {
    // Another request assembled (and dropped) them meanwhile.
    const now = await blobs.uploadState(sha, upload, indices, false);
    if (now.proven) return doneStatus(sha, size);
    return { sha256: sha, size, chunks: indices.length, received: [...now.parts.keys()], complete: false };
  }
  // The part this request staged as the first read saw it; the others as read with their data.
  const staged = indices.map((i) => (i === inHand?.index ? first : state).parts.get(i)!);
  return assemble(blobs, sha, factRowId, size, indices.map((i) => (i === inHand?.index ? inHand.data : state.parts.get(i)!.data!)), staged, state.complete);
}

/**
 * A chunk a request carries, under the attachment fact `factRowId` (whose bytes are `size` long):
 * when it is the one the upload still lacked, the upload is assembled from it and the staged
 * parts, and the chunk itself is never staged; otherwise it is staged and the upload settled as
 * any other (`settleUpload`). Refuses (409 `chunk_conflict`) a chunk that differs from the one
 * this upload already staged under its index.
 */
export async function receiveChunk(blobs: BlobsRepo, sha: string, factRowId: string, size: number, chunk: StagedChunk): Promise<BlobStatus> {
  const upload = uploadKeyOf(factRowId);
  const indices = allChunks(size);
  // Chunks go up in order, so the last one usually completes the upload: it reads the other
  // parts (their data included) first, and is not staged if they are all there.
  if (chunk.index === indices.length - 1) {
    const state = await blobs.uploadState(sha, upload, indices, true);
    if (state.proven) return doneStatus(sha, size);
    const mine = state.parts.get(chunk.index);
    if (indices.every((i) => i === chunk.index || state.parts.has(i)) && (mine === undefined || mine.data === chunk.data)) {
      const parts = indices.map((i) => (i === chunk.index ? chunk.data : state.parts.get(i)!.data!));
      try {
        return await assemble(blobs, sha, factRowId, size, parts, [...state.parts.values()], state.complete);
      } catch (error) {
        // Keeping the bytes failed (the store refused or failed): the chunk is staged after all, as
        // far as the store lets it, so that the upload resumes without it (a check assembles it).
        if (!(error instanceof ApiError)) await blobs.stage(sha, upload, chunk.index, chunk.data).catch(() => undefined);
        throw error;
      }
    }
  }
  if (!(await blobs.stage(sha, upload, chunk.index, chunk.data))) {
    // The same chunk sent twice at once (a retry racing its first attempt): the other request
    // may have assembled the upload and dropped its parts between our write and our read.
    if (await blobs.isProven(sha, upload)) return doneStatus(sha, size);
    // Or the parts were dropped as the assembled bytes did not hash to the name: staged afresh.
    if (!(await blobs.stage(sha, upload, chunk.index, chunk.data))) {
      throw new ApiError(409, 'chunk_conflict', `A different chunk ${chunk.index} of ${sha} is already held for this attachment fact`);
    }
  }
  // Staged just now, exactly these characters (`stage` compared them): not read back.
  return settleUpload(blobs, sha, factRowId, size, chunk);
}

/**
 * Checks the whole upload against its name and, if it matches, keeps it (once per hash: the first
 * upload to get here writes the chunks, later ones find them held), proves the upload, and drops
 * its staged parts; if it does not, drops them and refuses (422). Parts are dropped by revision,
 * so a part staged afresh meanwhile (a good upload after a bad one) is never taken along.
 */
async function assemble(blobs: BlobsRepo, sha: string, factRowId: string, size: number, parts: readonly string[], staged: readonly StagedPart[], complete: boolean): Promise<BlobStatus> {
  const whole = new Uint8Array(size);
  parts.forEach((part, i) => whole.set(fromBase64Url(part), i * BLOB_CHUNK_BYTES));
  if (toHex(await sha256(whole)) !== sha) {
    await blobs.dropParts(staged);
    throw new ApiError(422, 'blob_hash_mismatch', `The uploaded bytes do not hash to ${sha}: they were discarded, upload again`);
  }
  if (!complete && !(await blobs.keepChunks(sha, parts))) throw new Error(`a different chunk of ${sha} is held, yet both hash to the name`);
  await blobs.markHeld(sha, size, uploadKeyOf(factRowId), factRowId, complete);
  await blobs.dropParts(staged);
  return doneStatus(sha, size);
}
