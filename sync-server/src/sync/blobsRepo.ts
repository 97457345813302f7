import type { DocumentScope } from 'nano';
import { BLOB_CHUNK_BYTES, chunkCount } from '@seal/shared';
import { createDoc, createMany, deleteAll, getDoc, isConflict } from '../couch/docs';
import type { BulkGetter } from '../couch/macScope';

/**
 * `blobs/part:<sha256>:<staging>:<index>`: one chunk as one upload sent it, before its bytes were
 * checked. `staging` names the uploader and the attachment fact the upload is made under (see
 * `uploadUnder`): two people's uploads, or one person's under two facts, never see or touch each
 * other's parts.
 */
interface PartDoc {
  readonly type: 'part';
  readonly sha256: string;
  /** The staging key (the field keeps its first name: parts staged before it are read alike). */
  readonly upload: string;
  readonly index: number;
  readonly data: string;
}

/** `blobs/chunk:<sha256>:<index>`: one chunk of bytes that were checked against their hash. */
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

/** `blobs/proof:<sha256>:<proof>`: an upload under this attachment fact (`uploadKeyOf`) delivered the bytes. */
interface ProofDoc {
  readonly type: 'proof';
  readonly sha256: string;
  readonly upload: string;
  readonly factRowId: string;
}

type BlobsDoc = PartDoc | ChunkDoc | BlobDoc | ProofDoc;

/** The most documents one read by id asks for. */
const READ_BATCH = 2_000;
const pad = (index: number): string => String(index).padStart(6, '0');
const chunkId = (sha: string, index: number): string => `chunk:${sha}:${pad(index)}`;
const partPrefix = (sha: string, staging: string): string => `part:${sha}:${staging}:`;
const proofId = (sha: string, proof: string): string => `proof:${sha}:${proof}`;

/** A part staged by an upload: its document's id and revision, and its data when it was read. */
export interface StagedPart {
  readonly id: string;
  readonly rev: string;
  readonly data?: string;
}

/** Where an upload's keys lead: its fact's proof, and its own staged parts (see `uploadUnder`). */
export interface UploadKeys {
  readonly proof: string;
  readonly staging: string;
}

/** Where an upload stands in the store, read in one request (`BlobsRepo.uploadState`). */
export interface UploadState {
  /** An upload under this fact delivered the bytes. */
  readonly proven: boolean;
  /** The bytes are held (by whichever upload delivered them first). */
  readonly complete: boolean;
  /** The parts staged by this upload, by chunk index. */
  readonly parts: ReadonlyMap<number, StagedPart>;
}

/** The number of chunks of an attachment of `size` bytes. */
export { chunkCount };
/** The byte length of chunk `index` of an attachment of `size` bytes. */
export const chunkLength = (size: number, index: number): number => Math.min(BLOB_CHUNK_BYTES, size - index * BLOB_CHUNK_BYTES);
/** The indices of every chunk of an attachment of `size` bytes. */
export const allChunks = (size: number): number[] => Array.from({ length: chunkCount(size) }, (_, i) => i);

/**
 * Attachment bytes. Uploads are staged per uploader and attachment fact (`stage…`), so an
 * interrupted upload resumes where it stopped and nobody's upload can be spoiled by another's
 * chunks; once checked,
 * the bytes are kept once per hash (`chunk…`, `blob…`) and each fact whose upload delivered them
 * is recorded (`proof…`): only such facts open the bytes to readers.
 */
export interface BlobsRepo {
  /** Stages a chunk of an upload (under its staging key); `false` when a different chunk is already staged under its index. */
  stage(sha: string, staging: string, index: number, data: string): Promise<boolean>;
  stagedChunk(sha: string, staging: string, index: number): Promise<string | undefined>;
  isComplete(sha: string): Promise<boolean>;
  /** The size of a blob held whole, `undefined` while it is not. */
  completeSize(sha: string): Promise<number | undefined>;
  getChunk(sha: string, index: number): Promise<string | undefined>;
  markComplete(sha: string, size: number): Promise<void>;
  /** An upload under the fact whose proof key (`uploadKeyOf`) is `proof` delivered the bytes. */
  isProven(sha: string, proof: string): Promise<boolean>;
  /**
   * For each of `uploads` (a hash and an attachment fact, with the fact's proof key): whether an
   * upload under that fact delivered the bytes and they are held whole. Proofs and blobs are read
   * by id, MAC-checked, many in one request (`READ_BATCH`).
   */
  heldUnder(uploads: readonly { readonly sha: string; readonly proof: string; readonly factRowId: string }[]): Promise<boolean[]>;
  /**
   * The proof of the upload's fact, the blob's completeness and the upload's own staged parts
   * among `indices` (with their data when `withData`), in one read.
   */
  uploadState(sha: string, upload: UploadKeys, indices: readonly number[], withData: boolean): Promise<UploadState>;
  /**
   * Keeps checked chunks (in one write): `false` when a different chunk is held under one of
   * their indices (a broken invariant). Chunks already held as they are count as kept.
   */
  keepChunks(sha: string, chunks: readonly string[]): Promise<boolean>;
  /**
   * `uploadState` of several whole uploads (every chunk, with its data), in one read: a batch of
   * attachments (`PUT /api/sync/blobs`) asks the store once, not once per attachment.
   */
  uploadStates(uploads: readonly { readonly sha: string; readonly upload: UploadKeys; readonly size: number }[]): Promise<UploadState[]>;
  /** `keepChunks` of several blobs, in one write; for each, whether its chunks are held as given. */
  keepChunksOf(blobs: readonly { readonly sha: string; readonly chunks: readonly string[] }[]): Promise<boolean[]>;
  /**
   * `markHeld` of several uploads: the blobs not yet complete marked so in one write, and only
   * then (a bulk write is not all or nothing) the uploads proven, in another.
   */
  markHeldAll(uploads: readonly { readonly sha: string; readonly size: number; readonly proof: string; readonly factRowId: string; readonly complete: boolean }[]): Promise<void>;
  /**
   * Marks the blob complete (unless `complete` says it is already), then the upload proven: only
   * once every chunk is kept, as a proof opens the chunks to the fact's readers.
   */
  markHeld(sha: string, size: number, proof: string, factRowId: string, complete: boolean): Promise<void>;
  /** Drops staged parts by id and revision: a part staged again since (a new revision) stays. */
  dropParts(parts: readonly StagedPart[]): Promise<void>;
  /**
   * Drops every part staged under the fact whose proof key is `proof`, by anyone (their staging
   * keys begin with it, see `uploadUnder`): for a fact found proven, where none is of use.
   */
  dropStagedUnder(sha: string, proof: string): Promise<void>;
}

const partId = (sha: string, staging: string, index: number) => `${partPrefix(sha, staging)}${pad(index)}`;
/** The ids an upload's state is read from: its fact's proof, the blob, and its own parts among `indices`. */
const idsOf = (sha: string, { proof, staging }: UploadKeys, indices: readonly number[]) => [proofId(sha, proof), `blob:${sha}`, ...indices.map((i) => partId(sha, staging, i))];
/** An upload's state as read (`idsOf`), with the data of its parts among `indices`. */
const stateIn = (docs: ReadonlyMap<string, { rev: string; doc: BlobsDoc }>, sha: string, { proof, staging }: UploadKeys, indices: readonly number[]): UploadState => {
  const parts = new Map<number, StagedPart>();
  for (const index of indices) {
    const found = docs.get(partId(sha, staging, index));
    if (found?.doc.type === 'part') parts.set(index, { id: partId(sha, staging, index), rev: found.rev, data: found.doc.data });
  }
  return { proven: docs.get(proofId(sha, proof))?.doc.type === 'proof', complete: docs.get(`blob:${sha}`)?.doc.type === 'blob', parts };
};
/** `BlobsRepo.heldUnder`: the blobs and proofs read by id (`READ_BATCH` a request), then judged. */
async function heldUnder(
  readById: (ids: readonly string[]) => Promise<ReadonlyMap<string, { doc: BlobsDoc }>>,
  uploads: readonly { readonly sha: string; readonly proof: string; readonly factRowId: string }[],
): Promise<boolean[]> {
  const ids = [...new Set(uploads.flatMap(({ sha, proof }) => [`blob:${sha}`, proofId(sha, proof)]))];
  const docs = new Map<string, BlobsDoc>();
  for (let i = 0; i < ids.length; i += READ_BATCH) for (const [id, { doc }] of await readById(ids.slice(i, i + READ_BATCH))) docs.set(id, doc);
  return uploads.map(({ sha, proof, factRowId }) => {
    const proven = docs.get(proofId(sha, proof));
    return docs.get(`blob:${sha}`)?.type === 'blob' && proven?.type === 'proof' && proven.sha256 === sha && proven.factRowId === factRowId;
  });
}

/** Inserts a document that is the same whoever writes it: an existing one is fine. */
async function insertOnce(db: DocumentScope<BlobsDoc>, { _id, ...doc }: BlobsDoc & { _id: string }): Promise<void> {
  await createDoc(db, _id, doc);
}

export function blobsRepo(db: DocumentScope<BlobsDoc>): BlobsRepo {
  const partIds = async (sha: string, staging: string) => {
    const prefix = partPrefix(sha, staging);
    const page = await db.list({ startkey: prefix, endkey: `${prefix}\ufff0` });
    return page.rows.map((row) => ({ id: row.id, rev: row.value.rev, index: Number(row.id.slice(row.id.lastIndexOf(':') + 1)) }));
  };
  // A MAC-checked database (`Store.couch.use`) reads by id through `_bulk_get`: on the embedded
  // store, `_all_docs` with `keys` runs a key-range scan per id (a quarter of its time on uploads).
  const { bulkGet } = db as Partial<BulkGetter<BlobsDoc & { _rev?: string }>>;
  const readById = async (ids: readonly string[]): Promise<Map<string, { rev: string; doc: BlobsDoc }>> => {
    const docs = new Map<string, { rev: string; doc: BlobsDoc }>();
    if (bulkGet) {
      for (const [id, doc] of await bulkGet(ids)) if (typeof doc._rev === 'string') docs.set(id, { rev: doc._rev, doc });
      return docs;
    }
    const page = await db.fetch({ keys: [...ids] });
    for (const row of page.rows) {
      if ('doc' in row && row.doc) docs.set(row.id, { rev: row.value.rev, doc: row.doc });
    }
    return docs;
  };
  const markComplete = (sha: string, size: number) => insertOnce(db, { type: 'blob', sha256: sha, size, chunks: chunkCount(size), _id: `blob:${sha}` });
  /** Keeps the chunks of several blobs in one write; for each, whether every chunk is held as given. */
  const keepAll = async (blobs: readonly { readonly sha: string; readonly chunks: readonly string[] }[]): Promise<boolean[]> => {
    const docs = new Map<string, ChunkDoc & { _id: string }>();
    for (const { sha, chunks } of blobs) chunks.forEach((data, index) => docs.set(chunkId(sha, index), { _id: chunkId(sha, index), type: 'chunk', sha256: sha, index, data }));
    const written = [...docs.values()];
    const taken = new Set((await createMany(db, written)).map((position) => written[position]!._id));
    const kept: boolean[] = [];
    for (const { sha, chunks } of blobs) {
      let same = true;
      for (const [index, data] of chunks.entries()) {
        if (!taken.has(chunkId(sha, index))) continue;
        const held = await getDoc(db, chunkId(sha, index));
        if (held?.type !== 'chunk' || held.data !== data) same = false;
      }
      kept.push(same);
    }
    return kept;
  };
  return {
    async stage(sha, staging, index, data) {
      const id = `${partPrefix(sha, staging)}${pad(index)}`;
      try {
        await db.insert({ type: 'part', sha256: sha, upload: staging, index, data, _id: id });
        return true;
      } catch (error) {
        if (!isConflict(error)) throw error;
        const held = await getDoc(db, id);
        return held?.type === 'part' && held.data === data;
      }
    },
    async stagedChunk(sha, staging, index) {
      const doc = await getDoc(db, `${partPrefix(sha, staging)}${pad(index)}`);
      return doc?.type === 'part' ? doc.data : undefined;
    },
    async isComplete(sha) {
      return (await getDoc(db, `blob:${sha}`)) !== undefined;
    },
    async completeSize(sha) {
      const doc = await getDoc(db, `blob:${sha}`);
      return doc?.type === 'blob' ? doc.size : undefined;
    },
    async getChunk(sha, index) {
      const doc = await getDoc(db, chunkId(sha, index));
      return doc?.type === 'chunk' ? doc.data : undefined;
    },
    markComplete,
    async isProven(sha, proof) {
      return (await getDoc(db, proofId(sha, proof))) !== undefined;
    },
    heldUnder: (uploads) => heldUnder(readById, uploads),
    async uploadState(sha, { proof, staging }, indices, withData) {
      // The proof and the blob are read as documents (their MACs checked); parts only need
      // their revisions unless their data is wanted (their bytes are checked against the name).
      if (withData) return stateIn(await readById(idsOf(sha, { proof, staging }, indices)), sha, { proof, staging }, indices);
      const [docs, partList] = await Promise.all([readById([proofId(sha, proof), `blob:${sha}`]), partIds(sha, staging)]);
      const parts = new Map<number, StagedPart>();
      const wanted = new Set(indices);
      for (const part of partList) if (wanted.has(part.index)) parts.set(part.index, { id: part.id, rev: part.rev });
      return { ...stateIn(docs, sha, { proof, staging }, []), parts };
    },
    async uploadStates(uploads) {
      const docs = await readById(uploads.flatMap(({ sha, upload, size }) => idsOf(sha, upload, allChunks(size))));
      return uploads.map(({ sha, upload, size }) => stateIn(docs, sha, upload, allChunks(size)));
    },
    async keepChunks(sha, chunks) {
      return (await keepAll([{ sha, chunks }]))[0]!;
    },
    keepChunksOf: keepAll,
    async markHeld(sha, size, proof, factRowId, complete) {
      // One after the other (a bulk write is not all or nothing): a proof is never written for
      // bytes not marked complete. Taken ids are fine: the same document whoever writes it.
      if (!complete) await markComplete(sha, size);
      await insertOnce(db, { _id: proofId(sha, proof), type: 'proof', sha256: sha, upload: proof, factRowId });
    },
    async markHeldAll(uploads) {
      // Taken ids are fine (`createMany` compares nothing here): the same document whoever writes it.
      const blobs = new Map(uploads.filter((u) => !u.complete).map(({ sha, size }) => [sha, { _id: `blob:${sha}`, type: 'blob' as const, sha256: sha, size, chunks: chunkCount(size) }]));
      await createMany(db, [...blobs.values()]);
      const proofs = new Map(uploads.map(({ sha, proof, factRowId }) => [proofId(sha, proof), { _id: proofId(sha, proof), type: 'proof' as const, sha256: sha, upload: proof, factRowId }]));
      await createMany(db, [...proofs.values()]);
    },
    async dropParts(parts) {
      // Another request may be dropping them too: a conflict per document is fine.
      await deleteAll(db, parts);
    },
    async dropStagedUnder(sha, proof) {
      // `part:<sha>:<proof>:` covers every uploader's parts, and those staged under the fact's
      // own key before staging was per person (`part:<sha>:<proof>:<index>`).
      const prefix = partPrefix(sha, proof);
      const page = await db.list({ startkey: prefix, endkey: `${prefix}\ufff0` });
      await deleteAll(db, page.rows.map((row) => ({ id: row.id, rev: row.value.rev })));
    },
  };
}
