import { createHash } from 'node:crypto';
import { BLOB_CHUNK_BYTES, fromBase64Url, sha256, toHex, type BlobStatus } from '@seal/shared';
import { ApiError } from '../http/errors';
import { allChunks, chunkCount, type BlobsRepo, type StagedPart, type UploadKeys } from './blobsRepo';

/** The key of the uploads made under one attachment fact (fixed length, whatever the row id): what its proof is kept under. */
export const uploadKeyOf = (factRowId: string): string => createHash('sha256').update(factRowId).digest('hex');

/**
 * One person's upload under one attachment fact. The fact's proof is the fact's (`proof`: any
 * upload under it that delivers the bytes opens them to the fact's readers), but the chunks staged
 * on the way are the uploader's own (`staging`): everyone the fact's unit covers may upload under
 * it (the same content-addressed fact is recorded on every tablet that read a stamp), and a
 * colleague who stages a wrong chunk under someone else's fact stages it in a place of their own,
 * holding nobody's upload back.
 */
export interface Upload extends UploadKeys {
  readonly fact: string;
}

/**
 * The upload `userId` makes under the attachment fact `factRowId`. Its staging key begins with the
 * fact's (`<proof>:<user>`, each a fixed-length hash), so that everything staged under a fact, by
 * anyone, is found in one range once the fact is proven (`dropStagedUnder`).
 */
export function uploadUnder(factRowId: string, userId: string): Upload {
  const proof = uploadKeyOf(factRowId);
  return { fact: factRowId, proof, staging: `${proof}:${createHash('sha256').update(userId).digest('hex')}` };
}

/** A chunk of an upload as a request carries it. */
export interface StagedChunk {
  readonly index: number;
  readonly data: string;
}

const doneStatus = (sha: string, size: number): BlobStatus => ({ sha256: sha, size, chunks: chunkCount(size), received: allChunks(size), complete: true });

/**
 * Where `upload` (one person's, under one attachment fact) of `sha` stands — and, if every chunk
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
export async function settleUpload(blobs: BlobsRepo, sha: string, upload: Upload, size: number, inHand?: StagedChunk): Promise<BlobStatus> {
  const indices = allChunks(size);
  // Which parts are staged (no data yet: most checks find the upload unfinished).
  const first = await blobs.uploadState(sha, upload, indices, false);
  if (first.proven) return provenStatus(blobs, sha, size, upload);
  if (first.parts.size < indices.length) return { sha256: sha, size, chunks: indices.length, received: [...first.parts.keys()], complete: false };
  const others = indices.filter((i) => i !== inHand?.index);
  const state = others.length === 0 ? first : await blobs.uploadState(sha, upload, others, true);
  if (state.proven) return provenStatus(blobs, sha, size, upload);
  if (state.parts.size < others.length) {
    // Another request assembled (and dropped) them meanwhile.
    const now = await blobs.uploadState(sha, upload, indices, false);
    if (now.proven) return provenStatus(blobs, sha, size, upload);
    return { sha256: sha, size, chunks: indices.length, received: [...now.parts.keys()], complete: false };
  }
  // The part this request staged as the first read saw it; the others as read with their data.
  const staged = indices.map((i) => (i === inHand?.index ? first : state).parts.get(i)!);
  const parts = indices.map((i) => (i === inHand?.index ? inHand.data : state.parts.get(i)!.data!));
  await refuseUnlessWhole(blobs, sha, size, parts, staged);
  return keep(blobs, sha, upload, size, parts, staged, state.complete);
}

/**
 * The answer for an upload found proven: complete. Whatever is still staged under its fact, by
 * anyone (a late retry's chunk, a part staged by a request that lost the race to assemble, parts
 * a failed drop left, a colleague's abandoned upload, parts staged before staging was per person)
 * is of no use any more and is dropped.
 */
async function provenStatus(blobs: BlobsRepo, sha: string, size: number, upload: Upload): Promise<BlobStatus> {
  // Housekeeping: the answer is "complete" whether or not the store lets the parts go now (the
  // next question about this fact drops them).
  await blobs.dropStagedUnder(sha, upload.proof).catch(() => undefined);
  return doneStatus(sha, size);
}

/**
 * A chunk a request carries, of `upload` (whose bytes are `size` long):
 * when it is the one the upload still lacked, the upload is assembled from it and the staged
 * parts, and the chunk itself is never staged; otherwise it is staged and the upload settled as
 * any other (`settleUpload`). Refuses (409 `chunk_conflict`) a chunk that differs from the one
 * this upload already staged under its index.
 */
export async function receiveChunk(blobs: BlobsRepo, sha: string, upload: Upload, size: number, chunk: StagedChunk): Promise<BlobStatus> {
  const indices = allChunks(size);
  // Chunks go up in order, so the last one usually completes the upload: it reads the other
  // parts (their data included) first, and is not staged if they are all there.
  if (chunk.index === indices.length - 1) {
    const state = await blobs.uploadState(sha, upload, indices, true);
    if (state.proven) return provenStatus(blobs, sha, size, upload);
    const mine = state.parts.get(chunk.index);
    if (indices.every((i) => i === chunk.index || state.parts.has(i)) && (mine === undefined || mine.data === chunk.data)) {
      const parts = indices.map((i) => (i === chunk.index ? chunk.data : state.parts.get(i)!.data!));
      const staged = [...state.parts.values()];
      await refuseUnlessWhole(blobs, sha, size, parts, staged);
      try {
        return await keep(blobs, sha, upload, size, parts, staged, state.complete);
      } catch (error) {
        // Keeping bytes that hash to their name failed (the store failed): the chunk is staged
        // after all, as far as the store lets it, so the upload resumes without sending it again
        // (the next check assembles it, or finds the upload proven and drops what is staged).
        await blobs.stage(sha, upload.staging, chunk.index, chunk.data).catch(() => undefined);
        throw error;
      }
    }
  }
  if (!(await blobs.stage(sha, upload.staging, chunk.index, chunk.data))) {
    // The same chunk sent twice at once (a retry racing its first attempt): the other request
    // may have assembled the upload and dropped its parts between our write and our read.
    if (await blobs.isProven(sha, upload.proof)) return doneStatus(sha, size);
    // Or the parts were dropped as the assembled bytes did not hash to the name: staged afresh.
    if (!(await blobs.stage(sha, upload.staging, chunk.index, chunk.data))) {
      throw new ApiError(409, 'chunk_conflict', `A different chunk ${chunk.index} of ${sha} is already held for your upload under this attachment fact`);
    }
  }
  // Staged just now, exactly these characters (`stage` compared them): not read back.
  return settleUpload(blobs, sha, upload, size, chunk);
}

/**
 * Consecutive chunks a request carries, from `from`. When they end the upload and every chunk
 * before them is staged (or there is none: the whole attachment in one request), the upload is
 * assembled from them at once and none of them is staged: one write of the checked bytes, not a
 * write, a read and a delete of each part first. Otherwise (the start or the middle of a larger
 * upload, or a resumed one missing parts) each is received as a single chunk would be, in order.
 */
export async function receiveChunks(blobs: BlobsRepo, sha: string, upload: Upload, size: number, from: number, data: readonly string[]): Promise<BlobStatus> {
  const indices = allChunks(size);
  if (from + data.length === indices.length) {
    const state = await blobs.uploadState(sha, upload, indices, true);
    if (state.proven) return provenStatus(blobs, sha, size, upload);
    const inHand = (i: number): string | undefined => (i >= from ? data[i - from] : undefined);
    // Every chunk before these is staged, and none of these is staged as something else.
    const whole = indices.every((i) => (i < from ? state.parts.has(i) : state.parts.get(i) === undefined || state.parts.get(i)!.data === inHand(i)));
    if (whole) {
      const parts = indices.map((i) => inHand(i) ?? state.parts.get(i)!.data!);
      const staged = [...state.parts.values()];
      await refuseUnlessWhole(blobs, sha, size, parts, staged);
      try {
        return await keep(blobs, sha, upload, size, parts, staged, state.complete);
      } catch (error) {
        // The store failed keeping bytes that hash to their name: what this request carried is
        // staged after all, as far as the store lets it, so a retry resumes from what is missing.
        for (const [offset, chunk] of data.entries()) await blobs.stage(sha, upload.staging, from + offset, chunk).catch(() => undefined);
        throw error;
      }
    }
  }
  let status: BlobStatus | undefined;
  for (const [offset, chunk] of data.entries()) {
    status = await receiveChunk(blobs, sha, upload, size, { index: from + offset, data: chunk });
    if (status.complete) break;
  }
  return status!;
}

/** A whole attachment a batch carries (`PUT /api/sync/blobs`), its bytes already checked against their name. */
export interface WholeUpload {
  readonly sha: string;
  readonly upload: Upload;
  readonly size: number;
  /** Its chunks, base64url, as the chunks' text keeps them. */
  readonly parts: readonly string[];
}

/**
 * Several whole attachments of one request, each already checked against its name: their
 * uploads are read in one request, the chunks of those not held yet kept in one write, the blobs
 * marked complete in one and the uploads proven in another — a handful of store requests for the
 * batch, not several for each attachment. An upload found proven is complete (and drops what it
 * staged itself, as `provenStatus` does); one that finds parts of its own staged (a chunked
 * upload it began earlier) is received as a single request's would be (`receiveChunks`), so a
 * staged part that differs is refused as there. Each answer is a status, or the refusal of that
 * attachment alone; a store failure fails the whole request.
 */
export async function receiveWholes(blobs: BlobsRepo, uploads: readonly WholeUpload[]): Promise<(BlobStatus | ApiError)[]> {
  if (uploads.length === 0) return [];
  const states = await blobs.uploadStates(uploads);
  const answers: (BlobStatus | ApiError | undefined)[] = uploads.map(() => undefined);
  const fresh: number[] = [];
  for (const [i, { sha, upload, size, parts }] of uploads.entries()) {
    const state = states[i]!;
    if (state.proven) answers[i] = state.parts.size > 0 ? await provenStatus(blobs, sha, size, upload) : doneStatus(sha, size);
    else if (state.parts.size > 0) answers[i] = await receiveChunks(blobs, sha, upload, size, 0, parts).catch((error: unknown) => refusalOrThrow(error));
    else fresh.push(i);
  }
  const unheld = fresh.filter((i) => !states[i]!.complete);
  const kept = await blobs.keepChunksOf(unheld.map((i) => ({ sha: uploads[i]!.sha, chunks: uploads[i]!.parts })));
  const broken = unheld.find((_, k) => !kept[k]);
  if (broken !== undefined) throw new Error(`a different chunk of ${uploads[broken]!.sha} is held, yet both hash to the name`);
  await blobs.markHeldAll(fresh.map((i) => ({ sha: uploads[i]!.sha, size: uploads[i]!.size, proof: uploads[i]!.upload.proof, factRowId: uploads[i]!.upload.fact, complete: states[i]!.complete })));
  for (const i of fresh) answers[i] = doneStatus(uploads[i]!.sha, uploads[i]!.size);
  return answers.map((answer) => answer!);
}

/** A refusal of one attachment (an `ApiError`) as its answer; anything else (the store failing) fails the request. */
function refusalOrThrow(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  throw error;
}

/**
 * Refuses (422) an upload whose whole does not hash to its name, and drops its staged parts by
 * revision, so a part staged afresh meanwhile (a good upload after a bad one) is never taken along.
 */
async function refuseUnlessWhole(blobs: BlobsRepo, sha: string, size: number, parts: readonly string[], staged: readonly StagedPart[]): Promise<void> {
  const whole = new Uint8Array(size);
  parts.forEach((part, i) => whole.set(fromBase64Url(part), i * BLOB_CHUNK_BYTES));
  if (toHex(await sha256(whole)) === sha) return;
  await blobs.dropParts(staged);
  throw new ApiError(422, 'blob_hash_mismatch', `The uploaded bytes do not hash to ${sha}: they were discarded, upload again`);
}

/**
 * Keeps bytes that hash to their name (once per hash: the first upload to get here writes the
 * chunks, later ones find them held), proves the upload, and drops what is staged under its fact
 * (by anyone: see `provenStatus`). An upload sent whole in one request staged nothing, and asks
 * nothing more: what others staged under the fact goes when anyone next asks about it.
 */
async function keep(blobs: BlobsRepo, sha: string, upload: Upload, size: number, parts: readonly string[], staged: readonly StagedPart[], complete: boolean): Promise<BlobStatus> {
  if (!complete && !(await blobs.keepChunks(sha, parts))) throw new Error(`a different chunk of ${sha} is held, yet both hash to the name`);
  await blobs.markHeld(sha, size, upload.proof, upload.fact, complete);
  if (staged.length > 0) await blobs.dropStagedUnder(sha, upload.proof);
  return doneStatus(sha, size);
}
