import type { DocumentScope } from 'nano';
import { BLOB_CHUNK_BYTES } from '@seal/shared';
import { getDoc, isConflict, statusOf } from '../couch/docs';

/** `blobs/chunk:<sha256>:<index>`: one chunk of an attachment's bytes. */
interface ChunkDoc {
  readonly type: 'chunk';
  readonly sha256: string;
  readonly index: number;
  readonly data: string;
}

/** `blobs/blob:<sha256>`: written once every chunk is in and the bytes hash to the name. */
interface BlobDoc {
  readonly type: 'blob';
  readonly sha256: string;
  readonly size: number;
  readonly chunks: number;
}

type BlobsDoc = ChunkDoc | BlobDoc;

const pad = (index: number): string => String(index).padStart(6, '0');
const chunkId = (sha: string, index: number): string => `chunk:${sha}:${pad(index)}`;

/** The number of chunks of an attachment of `size` bytes. */
export const chunkCount = (size: number): number => Math.max(1, Math.ceil(size / BLOB_CHUNK_BYTES));
/** The byte length of chunk `index` of an attachment of `size` bytes. */
export const chunkLength = (size: number, index: number): number => Math.min(BLOB_CHUNK_BYTES, size - index * BLOB_CHUNK_BYTES);

/** Attachment bytes, chunk by chunk, so an interrupted upload resumes where it stopped. */
export interface BlobsRepo {
  received(sha: string): Promise<number[]>;
  isComplete(sha: string): Promise<boolean>;
  /** Stores a chunk; `false` when a different chunk is already held under its index. */
  putChunk(sha: string, index: number, data: string): Promise<boolean>;
  getChunk(sha: string, index: number): Promise<string | undefined>;
  markComplete(sha: string, size: number): Promise<void>;
  /** Drops every chunk of an attachment (after the assembled bytes failed their hash). */
  discard(sha: string): Promise<void>;
}

export function blobsRepo(db: DocumentScope<BlobsDoc>): BlobsRepo {
  const chunkIds = async (sha: string) => {
    const page = await db.list({ startkey: `chunk:${sha}:`, endkey: `chunk:${sha}:\ufff0` });
    return page.rows.map((row) => ({ id: row.id, rev: row.value.rev, index: Number(row.id.slice(row.id.lastIndexOf(':') + 1)) }));
  };
  return {
    async received(sha) {
      return (await chunkIds(sha)).map((c) => c.index);
    },
    async isComplete(sha) {
      return (await getDoc(db, `blob:${sha}`)) !== undefined;
    },
    async putChunk(sha, index, data) {
      try {
        await db.insert({ type: 'chunk', sha256: sha, index, data, _id: chunkId(sha, index) });
        return true;
      } catch (error) {
        if (!isConflict(error)) throw error;
        const held = await getDoc(db, chunkId(sha, index));
        return held?.type === 'chunk' && held.data === data;
      }
    },
    async getChunk(sha, index) {
      const doc = await getDoc(db, chunkId(sha, index));
      return doc?.type === 'chunk' ? doc.data : undefined;
    },
    async markComplete(sha, size) {
      try {
        await db.insert({ type: 'blob', sha256: sha, size, chunks: chunkCount(size), _id: `blob:${sha}` });
      } catch (error) {
        if (!isConflict(error) && statusOf(error) !== 409) throw error;
      }
    },
    async discard(sha) {
      const chunks = await chunkIds(sha);
      if (chunks.length > 0) await db.bulk({ docs: chunks.map((c) => ({ _id: c.id, _rev: c.rev, _deleted: true })) as never });
    },
  };
}
