import { BLOB_CHUNK_BYTES, chunkCount, fromBase64Url, toBase64Url } from '@seal/shared';
import type { BlobsRepo } from './blobsRepo';

/**
 * A PDF the server made (a countersigned document) kept in the `blobs` database under its SHA-256,
 * chunked as uploaded attachments are: `blob:<sha>` is written once every chunk is in.
 */
export async function keepDocument(blobs: BlobsRepo, sha256: string, bytes: Uint8Array): Promise<void> {
  const chunks = Array.from({ length: chunkCount(bytes.length) }, (_, index) => toBase64Url(bytes.subarray(index * BLOB_CHUNK_BYTES, (index + 1) * BLOB_CHUNK_BYTES)));
  if (!(await blobs.keepChunks(sha256, chunks))) throw new Error(`a different chunk of ${sha256} is held`);
  await blobs.markComplete(sha256, bytes.length);
}

/** A kept document's bytes, or `undefined` while not all of it is held. */
export async function readDocument(blobs: BlobsRepo, sha256: string, size: number): Promise<Uint8Array | undefined> {
  if (!(await blobs.isComplete(sha256))) return undefined;
  const out = new Uint8Array(size);
  for (let index = 0; index < chunkCount(size); index++) {
    const data = await blobs.getChunk(sha256, index);
    if (data === undefined) return undefined;
    out.set(fromBase64Url(data), index * BLOB_CHUNK_BYTES);
  }
  return out;
}
