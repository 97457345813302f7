import {
  BLOB_BYTES_MEDIA_TYPE, BLOB_CHUNK_BYTES, BLOB_CHUNKS_PER_REQUEST, chunkSpans, blobChunkBodySchema, blobChunksBodySchema, blobChunksQuerySchema, blobChunkParamsSchema, blobChunkResponseSchema, blobParamsSchema, blobQuerySchema, blobStatusSchema,
  BLOB_BATCH_ATTACHMENTS, BLOB_BATCH_BYTES, blobBatchQuerySchema, blobBatchResponseSchema, parseBlobBatch, type BlobBatchResponse, type BlobStatus,
  base64UrlByteLength, factBodySchemas, fromBase64Url, type AttachmentMeta, parseSubject, sniffRequestDocumentType,
} from '@seal/shared';
import type { UserDoc } from '../../couch/model';
import { createHash } from 'node:crypto';
import type { UnitTree } from '../../auth/scope';
import type { Api } from '../api';
import { ApiError } from '../errors';
import { chunkCount, chunkLength, type BlobsRepo } from '../../sync/blobsRepo';
import { covers } from '../../sync/pushContext';
import type { RowsRepo } from '../../sync/rowsRepo';
import { receiveChunk, receiveChunks, receiveWholes, settleUpload, uploadKeyOf, uploadUnder, type WholeUpload } from '../../sync/settleUpload';
import { requireReplicaUser } from '../../sync/requireReplicaUser';

const shaParams = blobParamsSchema;
const chunkParams = blobChunkParamsSchema;

/** How many attachment facts a server keeps in hand (every request of an upload names its fact). */
const FACTS_IN_HAND = 2_000;

type AttachmentFact = { readonly scopeUnitId: string; readonly meta: AttachmentMeta };

/** Attachment facts by row id, read from the store (MAC checked, bodies parsed): one, or several in one read. */
interface AttachmentFacts {
  (factRowId: string): Promise<AttachmentFact | undefined>;
  many(factRowIds: readonly string[]): Promise<Map<string, AttachmentFact>>;
}

/**
 * Attachment facts by row id, as read from the store (MAC checked, body parsed). A stored fact
 * never changes (the rows database refuses any rewrite), so a fact read once holds for good; only
 * facts found are kept, so a fact pushed after a miss is read then.
 */
function attachmentFacts(rows: RowsRepo): AttachmentFacts {
  const held = new Map<string, AttachmentFact>();
  const many = async (factRowIds: readonly string[]): Promise<Map<string, AttachmentFact>> => {
    const found = new Map<string, AttachmentFact>();
    const missing = factRowIds.filter((id) => {
      const kept = held.get(id);
      if (kept !== undefined) found.set(id, kept);
      return kept === undefined;
    });
    if (missing.length === 0) return found;
    for (const [id, row] of await rows.getMany(missing)) {
      if (row.type !== 'fact' || row.kind !== 'attachment') continue;
      const fact = { scopeUnitId: row.scopeUnitId, meta: factBodySchemas.attachment.parse(row.body) };
      if (held.size >= FACTS_IN_HAND) held.delete(held.keys().next().value!);
      held.set(id, fact);
      found.set(id, fact);
    }
    return found;
  };
  return Object.assign(async (factRowId: string) => (await many([factRowId])).get(factRowId), { many });
}

/**
 * The attachment fact `row` (read under `factRowId`) opened to `user` for the bytes `sha`: it
 * is stored, names these bytes, and the user's scope covers its unit; refused otherwise.
 */
function openedFact(row: AttachmentFact | undefined, user: UserDoc, tree: UnitTree, factRowId: string, sha: string): AttachmentMeta {
  if (row === undefined) {
    throw new ApiError(409, 'fact_not_synced', `The attachment fact "${factRowId}" is not on the server yet: push the fact first, then its bytes`);
  }
  const { meta } = row;
  if (meta.sha256 !== sha) throw new ApiError(400, 'invalid_query', `The attachment fact "${factRowId}" names bytes ${meta.sha256}, not ${sha}`);
  const scope = covers(user, row.scopeUnitId, tree);
  if (!scope.ok) throw new ApiError(403, 'out_of_scope', scope.error.message);
  return meta;
}

/** The attachment fact a blob request is made under: stored, naming these bytes, in the user's scope. */
async function attachmentFor(unitTree: () => Promise<UnitTree>, factOf: AttachmentFacts, user: UserDoc, factRowId: string, sha: string) {
  const [fact, tree] = await Promise.all([factOf(factRowId), unitTree()]);
  return openedFact(fact, user, tree, factRowId, sha);
}

/**
 * Refuses a chunk that cannot be chunk `index` of the attachment `meta` describes: past its last
 * chunk, of another length, or (the first chunk of a request's document) not the file type its
 * fact names.
 */
function checkChunk(meta: AttachmentMeta, sha: string, index: number, data: string): void {
  const chunks = chunkCount(meta.size);
  if (index >= chunks) throw new ApiError(400, 'invalid_query', `Chunk ${index} is past the last chunk (${chunks - 1}) of ${meta.size} bytes`);
  // Its length and first bytes, without decoding it all (the body schema took only decodable
  // text): the whole is decoded once, to be hashed, when the upload is assembled.
  const length = base64UrlByteLength(data);
  const expected = chunkLength(meta.size, index);
  if (length !== expected) throw new ApiError(400, 'invalid_body', `Chunk ${index} must be ${expected} bytes, got ${length}`);
  if (index === 0) refuseUnlessDocumentType(meta, sha, fromBase64Url(data.slice(0, 16)));
}

/** `bytes` cut into the attachment's chunks, each as the chunks' text keeps it (base64url). */
function chunked(bytes: Buffer): string[] {
  const parts: string[] = [];
  for (let from = 0; from < bytes.length; from += BLOB_CHUNK_BYTES) parts.push(bytes.toString('base64url', from, Math.min(bytes.length, from + BLOB_CHUNK_BYTES)));
  return parts;
}

/** A request's document must be what its fact says (a PDF, JPEG or PNG), by its first bytes. */
function refuseUnlessDocumentType(meta: AttachmentMeta, sha: string, firstBytes: Uint8Array): void {
  if (parseSubject(meta.about)?.kind === 'request' && sniffRequestDocumentType(firstBytes) !== meta.mime) {
    throw new ApiError(415, 'unsupported_media_type', `The bytes of ${sha} are not a ${meta.mime} file: a request's document must be a PDF, JPEG or PNG`);
  }
}

/**
 * `PUT /api/sync/blobs`: several whole attachments in one request, each judged as a request of
 * its own would be (its fact, the user's scope, its size, its type, its hash) and answered on its
 * own; what passes is kept with a handful of store requests for the whole batch (`receiveWholes`).
 */
function blobBatchRoute(api: Api, factOf: AttachmentFacts, blobs: BlobsRepo): void {
  api.route({
    method: 'PUT', url: '/api/sync/blobs', tag: 'sync', auth: 'session', readsUnitTree: true, query: blobBatchQuerySchema,
    bytesBody: { description: `The bytes of 1 to ${BLOB_BATCH_ATTACHMENTS} whole attachments, one after the other, in the order \`attachments\` names them (each as long as its size there)` },
    bodyLimit: BLOB_BATCH_BYTES,
    summary: `Upload up to ${BLOB_BATCH_ATTACHMENTS} whole attachments in one request (${BLOB_BYTES_MEDIA_TYPE}, ${BLOB_BATCH_BYTES} bytes at most), each under its fact: each is kept once its bytes hash to the name its fact gives them, and answered on its own — complete, or refused with the status and code a request of its own would get (403 out_of_scope, 409 fact_not_synced, 415 unsupported_media_type, 422 blob_hash_mismatch…)`,
    responses: { 200: blobBatchResponseSchema, 400: 'invalid_body | invalid_query', 401: 'unauthenticated | replica_user_mismatch', 413: 'payload_too_large', 415: 'unsupported_media_type' },
  }, async ({ query, request, signedIn, unitTree }) => {
    requireReplicaUser(request, signedIn);
    const items = parseBlobBatch(query.attachments);
    const named = new Set(items.map((item) => item.factRowId));
    if (named.size < items.length) throw new ApiError(400, 'invalid_query', 'An attachment fact is named twice: name each once');
    const bytes = request.body as Buffer;
    const total = items.reduce((sum, item) => sum + item.size, 0);
    if (total !== bytes.length) throw new ApiError(400, 'invalid_body', `The body is ${bytes.length} bytes, but the attachments named add up to ${total}`);
    const [facts, tree] = await Promise.all([factOf.many([...named]), unitTree()]);
    const answers: (BlobStatus | ApiError | undefined)[] = items.map(() => undefined);
    const wholes: { readonly at: number; readonly upload: WholeUpload }[] = [];
    let offset = 0;
    for (const [at, { factRowId, size }] of items.entries()) {
      const whole = bytes.subarray(offset, (offset += size));
      try {
        const fact = facts.get(factRowId);
        // The bytes are the ones the fact names (the check of `sha` against the fact cannot fail here).
        const sha = fact?.meta.sha256 ?? '';
        const meta = openedFact(fact, signedIn.user, tree, factRowId, sha);
        if (meta.size !== size) throw new ApiError(400, 'invalid_body', `The attachment fact "${factRowId}" names ${meta.size} bytes, not ${size}`);
        refuseUnlessDocumentType(meta, sha, whole.subarray(0, 16));
        if (createHash('sha256').update(whole).digest('hex') !== sha) {
          throw new ApiError(422, 'blob_hash_mismatch', `The uploaded bytes do not hash to ${sha}: they were discarded, upload again`);
        }
        wholes.push({ at, upload: { sha, upload: uploadUnder(factRowId, signedIn.user.id), size, parts: chunked(whole) } });
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        answers[at] = error;
      }
    }
    const received = await receiveWholes(blobs, wholes.map((w) => w.upload));
    wholes.forEach(({ at }, k) => (answers[at] = received[k]));
    const results: BlobBatchResponse['results'] = items.map(({ factRowId }, at) => {
      const answer = answers[at]!;
      return answer instanceof ApiError ? { fact: factRowId, ok: false, httpStatus: answer.statusCode, error: answer.code, message: answer.message } : { fact: factRowId, ok: true, status: { ...answer, received: [...answer.received] } };
    });
    // The answer is 200 whatever became of each: the refusals are logged as a request of their own would show them.
    const refused = results.flatMap((r) => (r.ok ? [] : [{ fact: r.fact, status: r.httpStatus, error: r.error }]));
    if (refused.length > 0) request.log.info({ refused }, `${refused.length} of ${results.length} attachments refused`);
    return { results };
  });
}

/**
 * Attachment bytes, after the facts that describe them: chunked (so an upload resumes where it
 * stopped), content-addressed (the assembled bytes must hash to their name), uploaded under an
 * attachment fact the server already holds and the user's scope covers, and readable only under
 * a fact whose own upload delivered them (see `settleUpload`): knowing a hash gives nothing.
 */
export function blobRoutes(api: Api, rows: RowsRepo, blobs: BlobsRepo): void {
  const factOf = attachmentFacts(rows);
  api.route({
    method: 'GET', url: '/api/sync/blobs/:sha256', tag: 'sync', auth: 'session', readsUnitTree: true, params: shaParams, query: blobQuerySchema,
    summary: 'Which chunks of an upload under this attachment fact the server holds (to resume it); assembles it if they all are. `complete`: an upload under this fact delivered the bytes',
    responses: { 200: blobStatusSchema, 401: 'unauthenticated | replica_user_mismatch', 403: 'out_of_scope', 409: 'fact_not_synced', 422: 'blob_hash_mismatch' },
  }, async ({ params, query, signedIn, request, unitTree }) => {
    requireReplicaUser(request, signedIn);
    const meta = await attachmentFor(unitTree, factOf, signedIn.user, query.fact, params.sha256);
    // A check also completes an upload whose chunks all arrived but were never assembled.
    return settleUpload(blobs, params.sha256, uploadUnder(query.fact, signedIn.user.id), meta.size);
  });

  api.route({
    method: 'PUT', url: '/api/sync/blobs/:sha256/chunks/:index', tag: 'sync', auth: 'session', readsUnitTree: true, params: chunkParams, query: blobQuerySchema, body: blobChunkBodySchema,
    bodyLimit: 2 * BLOB_CHUNK_BYTES,
    summary: 'Upload one chunk of an attachment under its fact; the upload completes once every chunk is in and the bytes hash to their name',
    responses: { 200: blobStatusSchema, 400: 'invalid_body', 401: 'unauthenticated | replica_user_mismatch', 403: 'out_of_scope', 409: 'fact_not_synced | chunk_conflict', 415: 'unsupported_media_type', 422: 'blob_hash_mismatch' },
  }, async ({ params, query, body, signedIn, request, unitTree }) => {
    requireReplicaUser(request, signedIn);
    const meta = await attachmentFor(unitTree, factOf, signedIn.user, query.fact, params.sha256);
    checkChunk(meta, params.sha256, params.index, body.data);
    return receiveChunk(blobs, params.sha256, uploadUnder(query.fact, signedIn.user.id), meta.size, { index: params.index, data: body.data });
  });

  api.route({
    method: 'PUT', url: '/api/sync/blobs/:sha256/chunks', tag: 'sync', auth: 'session', readsUnitTree: true, params: shaParams, query: blobChunksQuerySchema, body: blobChunksBodySchema,
    bodyLimit: 2 * BLOB_CHUNKS_PER_REQUEST * BLOB_CHUNK_BYTES,
    summary: `Upload up to ${BLOB_CHUNKS_PER_REQUEST} consecutive chunks of an attachment under its fact, the first being chunk \`from\`: an attachment that fits goes up in one request, kept at once; the upload completes once every chunk is in and the bytes hash to their name`,
    responses: { 200: blobStatusSchema, 400: 'invalid_body | invalid_query', 401: 'unauthenticated | replica_user_mismatch', 403: 'out_of_scope', 409: 'fact_not_synced | chunk_conflict', 415: 'unsupported_media_type', 422: 'blob_hash_mismatch' },
  }, async ({ params, query, body, signedIn, request, unitTree }) => {
    requireReplicaUser(request, signedIn);
    const meta = await attachmentFor(unitTree, factOf, signedIn.user, query.fact, params.sha256);
    const from = Number(query.from);
    body.data.forEach((data, offset) => checkChunk(meta, params.sha256, from + offset, data));
    return receiveChunks(blobs, params.sha256, uploadUnder(query.fact, signedIn.user.id), meta.size, from, body.data);
  });

  api.route({
    method: 'PUT', url: '/api/sync/blobs/:sha256/bytes', tag: 'sync', auth: 'session', readsUnitTree: true, params: shaParams, query: blobChunksQuerySchema,
    bytesBody: { description: `The bytes of 1 to ${BLOB_CHUNKS_PER_REQUEST} whole consecutive chunks of the attachment, the first being chunk \`from\`, one after the other` },
    bodyLimit: BLOB_CHUNKS_PER_REQUEST * BLOB_CHUNK_BYTES,
    summary: `Upload up to ${BLOB_CHUNKS_PER_REQUEST} consecutive chunks of an attachment under its fact, as bytes (${BLOB_BYTES_MEDIA_TYPE}): what \`…/chunks\` takes as base64url JSON, a third smaller and parsed by neither side; the upload completes once every chunk is in and the bytes hash to their name`,
    responses: { 200: blobStatusSchema, 400: 'invalid_body | invalid_query', 401: 'unauthenticated | replica_user_mismatch', 403: 'out_of_scope', 409: 'fact_not_synced | chunk_conflict', 415: 'unsupported_media_type', 422: 'blob_hash_mismatch' },
  }, async ({ params, query, request, signedIn, unitTree }) => {
    requireReplicaUser(request, signedIn);
    const meta = await attachmentFor(unitTree, factOf, signedIn.user, query.fact, params.sha256);
    const from = Number(query.from);
    if (from >= chunkCount(meta.size)) throw new ApiError(400, 'invalid_query', `Chunk ${from} is past the last chunk (${chunkCount(meta.size) - 1}) of ${meta.size} bytes`);
    const bytes = request.body as Buffer;
    const spans = chunkSpans(meta.size, from, bytes.length);
    if (!spans.ok) throw new ApiError(400, 'invalid_body', `The body does not fit the attachment: ${spans.reason}`);
    // Each chunk as the chunks' text keeps it (base64url, natively: no copy of the bytes checked twice).
    let offset = 0;
    const data = spans.lengths.map((length) => bytes.toString('base64url', offset, (offset += length)));
    if (from === 0) refuseUnlessDocumentType(meta, params.sha256, bytes.subarray(0, 16));
    return receiveChunks(blobs, params.sha256, uploadUnder(query.fact, signedIn.user.id), meta.size, from, data);
  });

  blobBatchRoute(api, factOf, blobs);

  api.route({
    method: 'GET', url: '/api/sync/blobs/:sha256/chunks/:index', tag: 'sync', auth: 'session', readsUnitTree: true, params: chunkParams, query: blobQuerySchema,
    summary: 'Download one chunk of an attachment, under a fact whose own upload delivered it',
    responses: { 200: blobChunkResponseSchema.describe('{ data }: the chunk, base64url'), 401: 'unauthenticated | replica_user_mismatch', 403: 'out_of_scope', 404: 'not_found', 409: 'fact_not_synced' },
  }, async ({ params, query, signedIn, reply, request, unitTree }) => {
    requireReplicaUser(request, signedIn);
    await attachmentFor(unitTree, factOf, signedIn.user, query.fact, params.sha256);
    // Only a fact whose own upload delivered the bytes opens them: the same answer whether or not
    // someone else's upload did, so a hash named in a fact of one's own reveals nothing.
    if (!(await blobs.isProven(params.sha256, uploadKeyOf(query.fact)))) {
      throw new ApiError(404, 'not_found', `No upload under the attachment fact "${query.fact}" has delivered the bytes of ${params.sha256} (yet)`);
    }
    const data = await blobs.getChunk(params.sha256, params.index);
    if (data === undefined) throw new ApiError(404, 'not_found', `Chunk ${params.index} of ${params.sha256} does not exist`);
    reply.header('cache-control', 'private, max-age=31536000, immutable');
    return { data };
  });
}
