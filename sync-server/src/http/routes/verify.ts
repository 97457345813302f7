import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  checkPdfSignatures, impressionIdOfSealField, signaturesBearOut, signerSerialOf, parseProcessSheetCode, parseVerificationCode, PROCESS_SHEET_PREFIX, verifyCodeParamsSchema, verifyCodeResponseSchema,
  verifyPdfBodySchema, verifyPdfResponseSchema, verifyPhotoParamsSchema, type FactRow, type PdfSignatureCheck, type VerifiedImpression,
} from '@seal/shared';
import { buildRoster } from '../../auth/roster';
import { loadUnitTree, rootUnitId } from '../../auth/scope';
import { certificatesRepo } from '../../couch/certificatesRepo';
import type { Store } from '../../couch/store';
import { orgCaOf } from '../../auth/orgCaLoader';
import { blobsRepo, type BlobsRepo } from '../../sync/blobsRepo';
import { readDocument } from '../../sync/documentBlobs';
import { rowsRepo, type RowsRepo } from '../../sync/rowsRepo';
import { stampPhotoHeld } from '../../sync/stampPhotos';
import { impressionRecord, physicalRecord, type VerifySources } from '../../sync/verifyRecords';
import type { Api } from '../api';
import { ApiError, notFound } from '../errors';

/** A photo's media type from its first bytes: PNG, a device's grey PGM, else JPEG (what device cameras store). */
const imageTypeOf = (bytes: Buffer): string => {
  if (bytes.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]))) return 'image/png';
  if (bytes.subarray(0, 2).toString('latin1') === 'P5') return 'image/x-portable-graymap';
  return 'image/jpeg';
};

/** How a seal's field name (`seal:…`) may be written: as stamping writes it (UTF-16 hex, pdf-lib's text string; either case), or as a literal string. */
const SEAL_FIELD_MARKS = ['FEFF007300650061006C003A', 'feff007300650061006c003a', 'seal:'].map((mark) => Buffer.from(mark, 'latin1'));
const BYTE_RANGE_MARK = Buffer.from('/ByteRange', 'latin1');

/**
 * Whether a PDF's bytes could hold a signature made by a seal here: stamping appends the seal's
 * signature dictionary (with its /ByteRange) and its field (named `seal:<sealId>:<impressionId>`)
 * uncompressed, in an update of their own (see pades.ts), so both are plain in the file. A file
 * without them holds no signature `signaturesBearOut` or the claimed record could use.
 */
function mayCarryASealSignature(pdf: Uint8Array): boolean {
  const bytes = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  return bytes.includes(BYTE_RANGE_MARK) && SEAL_FIELD_MARKS.some((mark) => bytes.includes(mark));
}

/**
 * A PDF's signatures checked against the organisation CA (none when it is not a PDF that can be
 * read, or declares more objects than pdf-lib's patched parse reads). A file without the marks of
 * a seal's signature is not parsed at all: `/api/verify/pdf` is public, and a parse costs what the
 * file declares. Parses are limited per client address, on top of the route's `ceremonies` limit
 * (429 past it): each may cost up to half a second of CPU under pdf-lib's budget of declared objects.
 */
function signatureChecker(api: Api): (pdf: Uint8Array, request: FastifyRequest, reply: FastifyReply) => Promise<PdfSignatureCheck[]> {
  const { ctx } = api;
  const parseLimit = api.app.createRateLimit({ max: ctx.config.authRateLimitPerMinute, timeWindow: 60_000, keyGenerator: (request) => `verify-pdf-parse:${request.ip}` });
  return async (pdf, request, reply) => {
    if (!mayCarryASealSignature(pdf)) return [];
    const verdict = await parseLimit(request);
    if (!verdict.isAllowed && verdict.isExceeded) {
      reply.header('retry-after', String(verdict.ttlInSeconds));
      throw new ApiError(429, 'rate_limited', `Too many signed PDFs checked from this address: at most ${verdict.max} a minute; try again in ${verdict.ttlInSeconds} s`);
    }
    return checkPdfSignatures(pdf, [(await orgCaOf(ctx)).certificate]).catch(() => []);
  };
}

/**
 * Whether each stamp's photo may be shown (`stampPhotoHeld`), each hash and device looked up once
 * per answer however many stamps name it; with `only`, every other hash is not looked up.
 */
function photosHeld(blobs: BlobsRepo, rows: RowsRepo, only?: string): (sha: string, deviceId: string) => Promise<boolean> {
  const asked = new Map<string, Promise<boolean>>();
  return (sha, deviceId) => {
    if (only !== undefined && sha !== only) return Promise.resolve(false);
    const key = `${sha}\n${deviceId}`;
    let held = asked.get(key);
    if (held === undefined) asked.set(key, (held = stampPhotoHeld(sha, deviceId, blobs, rows)));
    return held;
  };
}

/**
 * Public verification (`/verify`, no sign-in; ADR 008): by an impression's verification code, by a
 * process sheet's code, or by a PDF (its bytes or SHA-256). Counted against the `ceremonies` rate
 * limit, like the other public routes a stranger can call in a loop. Discloses only what the
 * stamped paper claims (see shared/src/api/verify.ts).
 */
export function verifyRoutes(api: Api, store: Store): void {
  const { ctx } = api;
  const rows = rowsRepo(store.couch.use(store.dbName('rows')));
  const blobs = blobsRepo(store.couch.use(store.dbName('blobs')));
  const certificates = certificatesRepo(store.couch.use(store.dbName('certificates')));

  const sources = async (): Promise<VerifySources> => {
    const tree = await loadUnitTree(ctx.repos.units);
    const root = rootUnitId(tree);
    const nameOf = (id: string): string => tree.get(id as never)?.name ?? '';
    let roster: ReturnType<typeof buildRoster> | undefined;
    return {
      rows, certificates, now: ctx.now(), unitName: nameOf, organisationName: root === undefined ? ctx.config.rpName : nameOf(root) || ctx.config.rpName,
      roster: () => (roster ??= buildRoster(ctx.repos, ctx.config, ctx.orgKey, ctx.now())),
    };
  };
  const checkSignatures = signatureChecker(api);
  const unknownCode = (code: string) => new ApiError(404, 'unknown_code', `No stamped document has the code ${code}: check it against the page, or ask whoever gave you the document`);

  api.route({
    method: 'GET', url: '/api/verify/:code', tag: 'verify', auth: 'public', rateLimited: 'ceremonies', params: verifyCodeParamsSchema,
    summary: "A stamped document's public record, by its verification code (electronic) or its process sheet's code SEALCTL:REQ:<id> (physical)",
    responses: { 200: verifyCodeResponseSchema, 400: 'invalid_query | verification_code_malformed | verification_code_mistyped', 404: 'unknown_code' },
  }, async ({ params, reply }) => {
    reply.header('cache-control', 'no-store');
    const from = await sources();
    if (params.code.startsWith(PROCESS_SHEET_PREFIX)) {
      const requestId = parseProcessSheetCode(params.code);
      if (!requestId.ok) throw new ApiError(400, 'verification_code_malformed', requestId.error.message);
      const record = await physicalRecord(requestId.value, from, photosHeld(blobs, rows));
      if (!record) throw unknownCode(params.code);
      return { record };
    }
    const code = parseVerificationCode(params.code);
    if (!code.ok) throw new ApiError(400, code.error.code, code.error.message);
    const row = (await rows.documentRows(['code', code.value]))[0];
    const record = row === undefined ? undefined : await impressionRecord(row, from);
    if (!record) throw unknownCode(params.code);
    return { record };
  });

  api.route({
    method: 'GET', url: '/api/verify/:code/photos/:sha256', tag: 'verify', auth: 'public', rateLimited: 'ceremonies', params: verifyPhotoParamsSchema,
    summary: "The photo a seal device took of a stamped page, for whoever holds the process sheet's code whose record lists that stamp (JPEG, PNG, or a simulated device's grey PGM)",
    responses: { 200: { mediaType: 'image/jpeg', description: 'The photo as the device took it (JPEG, PNG or PGM)' }, 400: 'invalid_query | verification_code_malformed', 404: 'unknown_code | not_found' },
  }, async ({ params, reply }) => {
    if (!params.code.startsWith(PROCESS_SHEET_PREFIX)) throw unknownCode(params.code);
    const requestId = parseProcessSheetCode(params.code);
    if (!requestId.ok) throw new ApiError(400, 'verification_code_malformed', requestId.error.message);
    // Only the photo asked for is looked up (a record may list many stamps naming others).
    const record = await physicalRecord(requestId.value, await sources(), photosHeld(blobs, rows, params.sha256));
    if (!record) throw unknownCode(params.code);
    const size = record.stamps.some((s) => s.photoSha256 === params.sha256 && s.photoHeld) ? await blobs.completeSize(params.sha256) : undefined;
    if (size === undefined) throw notFound(`A photo ${params.sha256.slice(0, 12)}… among the stamps of ${params.code}`);
    const held = await readDocument(blobs, params.sha256, size);
    // Bytes that are not the logged photo (a broken store) are not shown as it.
    if (held === undefined || createHash('sha256').update(held).digest('hex') !== params.sha256) throw notFound(`The bytes of photo ${params.sha256.slice(0, 12)}…`);
    const bytes = Buffer.from(held);
    reply.header('content-type', imageTypeOf(bytes));
    reply.header('cache-control', 'private, max-age=3600');
    reply.header('x-content-type-options', 'nosniff');
    return bytes;
  });

  api.route({
    method: 'POST', url: '/api/verify/pdf', tag: 'verify', auth: 'public', rateLimited: 'ceremonies', body: verifyPdfBodySchema, bodyLimit: 6_200_000,
    summary: 'Whether a PDF (its bytes or SHA-256) is a recorded stamped document: any changed byte answers match "none", plainly',
    responses: { 200: verifyPdfResponseSchema, 400: 'invalid_body', 413: 'payload_too_large' },
  }, async ({ body, request, reply }) => {
    reply.header('cache-control', 'no-store');
    const signaturesOf = (bytes: Uint8Array) => checkSignatures(bytes, request, reply);
    const pdf = body.pdf === undefined ? undefined : new Uint8Array(Buffer.from(body.pdf, 'base64'));
    const sha256 = body.sha256 ?? createHash('sha256').update(pdf!).digest('hex');
    const from = await sources();
    const recordOf = async (row: FactRow | undefined): Promise<VerifiedImpression | null> => (row === undefined ? null : (await impressionRecord(row, from)) ?? null);
    const counter = (await rows.documentRows(['countersigned', sha256]))[0];
    if (counter) {
      const impressionId = (counter.body as { impressionId: string }).impressionId;
      const impression = (await rows.getMany([`fact:impression:${impressionId}`])).get(`fact:impression:${impressionId}`);
      const record = await recordOf(impression as FactRow | undefined);
      return { sha256, match: 'countersigned' as const, message: 'This is the document as the organisation countersigned it: not one byte differs.', record, claimed: null };
    }
    // A holder's record of the bytes they signed: with the file at hand, its own seal signature
    // must bear the record out (a holder could record any file's hash); with its hash alone, the
    // answer says the signature is for the asker to check (the verification page does, in the browser).
    const held = await rows.documentRows(['signed', sha256]);
    const checks = pdf === undefined || held.length === 0 ? undefined : await signaturesOf(pdf);
    const facts = checks?.map((check) => ({ ...check, signerSerial: signerSerialOf(check) }));
    const signed = facts === undefined ? held[0] : held.find((row) => signaturesBearOut(facts, row.body as { id: string; certificateSerial: string }));
    if (signed) {
      const message = checks === undefined
        ? "A seal's holder recorded a document with these bytes. Check its seal signature (the verification page does, in your browser): the record alone does not prove the seal signed it."
        : "This is the document as the seal's holder signed it: not one byte differs, and its seal signature is intact.";
      return { sha256, match: 'signed' as const, message, record: await recordOf(signed), claimed: null };
    }
    return {
      sha256, match: 'none' as const, record: null, claimed: pdf === undefined ? null : await claimedRecord(checks ?? await signaturesOf(pdf), from),
      message: 'No stamped document on record has these bytes. If this PDF carries a seal of ours, it has been changed since it was stamped (even one byte), or it was never stamped here.',
    };
  });

  /** The impression a PDF names in its seal's signature field (`seal:<sealId>:<impressionId>`), for comparison when its bytes match nothing. */
  async function claimedRecord(checks: readonly PdfSignatureCheck[], from: VerifySources): Promise<VerifiedImpression | null> {
    for (const check of checks) {
      const impressionId = impressionIdOfSealField(check.field);
      if (impressionId === undefined) continue;
      const row = (await rows.getMany([`fact:impression:${impressionId}`])).get(`fact:impression:${impressionId}`);
      if (row?.type === 'fact') return (await impressionRecord(row, from)) ?? null;
    }
    return null;
  }
}
