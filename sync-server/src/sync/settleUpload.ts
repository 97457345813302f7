import { createHash } from 'node:crypto';
import { BLOB_CHUNK_BYTES, fromBase64Url, sha256, toHex, type BlobStatus } from '@seal/shared';
import { ApiError } from '../http/errors';
import { chunkCount, type BlobsRepo } from './blobsRepo';

/** The key of the upload made under one attachment fact (fixed length, whatever the row id). */
export const uploadKeyOf = (factRowId: string): string => createHash('sha256').update(factRowId).digest('hex');

/** A chunk the caller has just staged, as it staged it. */
export interface StagedChunk {
  readonly index: number;
  readonly data: string;
}

const allChunks = (size: number): number[] => Array.from({ length: chunkCount(size) }, (_, i) => i);

/**
 * Where the upload of `sha` under the attachment fact `factRowId` stands — and, if every chunk
 * has arrived but was never assembled (the request that stored the last one failed or the server
 * died before assembling), assembles it now. Called on every status check and chunk upload, so an
 * upload completes however it was interrupted; idempotent, so two requests doing it at once (or
 * one repeating a half-done one) write nothing twice.
 *
 * `complete` means: an upload under THIS fact delivered bytes that hash to `sha`. That, and
 * nothing less, is what opens the bytes to the readers of this fact: a fact that merely names a
 * hash someone else uploaded proves nothing, so it opens nothing.
 */
export async function settleUpload(blobs: BlobsRepo, sha: string, factRowId: string, size: number, inHand?: StagedChunk): Promise<BlobStatus> {
  const upload = uploadKeyOf(factRowId);
  const chunks = chunkCount(size);
  const done: BlobStatus = { sha256: sha, size, chunks, received: allChunks(size), complete: true };
  if (await blobs.isProven(sha, upload)) return done;
  const received = await blobs.staged(sha, upload);
  if (received.length < chunks) return { sha256: sha, size, chunks, received, complete: false };
  // The chunk this very request staged is not read back from the store.
  const parts = await Promise.all(allChunks(size).map((i) => (inHand?.index === i ? Promise.resolve(inHand.data) : blobs.stagedChunk(sha, upload, i))));
  if (parts.some((part) => part === undefined)) {
    // Another request assembled (and dropped) them meanwhile.
    if (await blobs.isProven(sha, upload)) return done;
    return { sha256: sha, size, chunks, received: await blobs.staged(sha, upload), complete: false };
  }
  const whole = new Uint8Array(size);
  parts.forEach((part, i) => whole.set(fromBase64Url(part!), i * BLOB_CHUNK_BYTES));
  if (toHex(await sha256(whole)) !== sha) {
    await blobs.dropStaged(sha, upload);
    throw new ApiError(422, 'blob_hash_mismatch', `The uploaded bytes do not hash to ${sha}: they were discarded, upload again`);
  }
  // Kept once per hash; the first upload to get here writes them, later ones find them held.
  if (!(await blobs.isComplete(sha))) {
    for (const [index, part] of parts.entries()) {
      if (!(await blobs.putChunk(sha, index, part!))) throw new Error(`a different chunk ${index} of ${sha} is held, yet both hash to the name`);
    }
    await blobs.markComplete(sha, size);
  }
  await blobs.markProven(sha, upload, factRowId);
  await blobs.dropStaged(sha, upload);
  return done;
}
