import {
  BLOB_CHUNK_BYTES, factIdOf, factRowId, factSubjectOf, fromBase64Url, parseProcessSheetCode, processSheetCode, processSheetScanBodySchema, processSheetScanResponseSchema,
  sha256, toBase64Url, toHex, useRequestSchema, MAX_SCAN_BYTES, type AttachmentMeta, type FactRow, type RequestId, type UnitId, type UseRequest, type UserId,
} from '@seal/shared';
import { loadUnitTree, requirePermission } from '../../auth/scope';
import { notoSansScRegular } from '../../hq/report/cjkFont';
import { scanDocId, scansRepo, type ScanDoc } from '../../couch/scansRepo';
import type { Store } from '../../couch/store';
import { reportingAcceptedRows, type AcceptedRowsListener } from '../../sync/acceptedRows';
import { blobsRepo } from '../../sync/blobsRepo';
import { mergeChangeRows } from '../../sync/recordStates';
import { rowsRepo, type RowsRepo } from '../../sync/rowsRepo';
import { scanReader, type ScanReader } from '../../sync/scanReader';
import { CEREMONY_RATE_LIMIT_FACTOR } from '../../config';
import { settleUpload, uploadUnder } from '../../sync/settleUpload';
import type { Api } from '../api';
import { ApiError } from '../errors';
import { perUserLimit } from '../perUserLimit';
import { actorOf } from '../recordChange';

/** The attachment fact a filed scan is, rebuilt from its document (the same every time: its id is its content's). */
async function attachmentRow(doc: ScanDoc): Promise<FactRow> {
  const meta = { sha256: doc.sha256, about: `request:${doc.requestId}`, mime: doc.mime as AttachmentMeta['mime'], size: doc.size, at: doc.filedAt, ...(doc.name === undefined ? {} : { name: doc.name }) };
  const attachment = { ...meta, id: await factIdOf('attachment', { ...meta, id: '' }) };
  return {
    id: factRowId('attachment', attachment.id), type: 'fact', kind: 'attachment', subject: factSubjectOf('attachment', attachment),
    scopeUnitId: doc.unitId as UnitId, author: doc.filedBy as UserId, createdAt: doc.filedAt, body: attachment,
  };
}

/**
 * The image's own QR must be the code sent: the server reads it from the pixels, it does not take
 * the client's word. The reading is the scan reader's (a thread of its own, bounded in time).
 */
async function checkImage(reader: ScanReader, bytes: Uint8Array, requestId: RequestId): Promise<void> {
  if (bytes.length === 0 || bytes.length > MAX_SCAN_BYTES) throw new ApiError(400, 'invalid_body', `A scan must be 1 to ${MAX_SCAN_BYTES} bytes, got ${bytes.length}`);
  const read = await reader.read(bytes);
  if (read.ok) {
    if (read.requestId !== requestId) throw new ApiError(400, 'code_mismatch', `The scan's QR code names request "${read.requestId}", but "${processSheetCode(requestId)}" was sent with it: nothing was filed`);
    return;
  }
  switch (read.code) {
    case 'not_an_image': throw new ApiError(400, 'not_an_image', `The scan is not a PNG the server can read: ${read.message}`);
    case 'no_code_found': throw new ApiError(400, 'no_code_found', `No QR code was found in the scan: ${read.message}`);
    case 'too_complex': throw new ApiError(422, 'scan_too_complex', `The scan is too busy to search for its QR code (${read.message}): scan the sheet alone, flat, on a plain background`);
    case 'busy': throw new ApiError(429, 'scan_busy', `Other scans are being read (${read.message}): try again in a few seconds`);
    default: throw new ApiError(400, 'code_mismatch', `The scan's QR code is not a process sheet's, but "${processSheetCode(requestId)}" was sent with it: nothing was filed`);
  }
}

/** The request a sheet names, and its seal's name, as recorded; 404 when the request is not. */
async function recordedRequest(rows: RowsRepo, requestId: RequestId): Promise<{ request: UseRequest; sealName: string }> {
  const request = useRequestSchema.safeParse(mergeChangeRows(await rows.changesOf('request', requestId)).json);
  if (!request.success) throw new ApiError(404, 'unknown_request', `The sheet's code names request "${requestId}", which is not recorded: no scan was filed`);
  // The seal's name as recorded (read as it is: a record written by an older version still names its seal).
  const seal = mergeChangeRows(await rows.changesOf('seal', request.data.sealId)).json as { name?: unknown } | undefined;
  return { request: request.data, sealName: typeof seal?.name === 'string' && seal.name !== '' ? seal.name : request.data.sealId };
}

/**
 * Process sheets come back: a scan or photo of a stamped sheet (a PNG) is filed to the request its
 * QR names. The server decodes the image and reads the QR itself; the code must name a recorded
 * request in the caller's scope (and the request the scan was filed from, when it says which).
 * Filing is a change: the scan's document (what the archive searches) and its audit record are
 * written together through the change journal; the attachment fact and bytes (replicated to the
 * request's readers) follow, rebuilt from that document, so a retry of the same scan completes it.
 */
export function processSheetRoutes(api: Api, store: Store, onAccepted?: AcceptedRowsListener): void {
  const { ctx } = api;
  const stored = rowsRepo(store.couch.use(store.dbName('rows')));
  const rows = onAccepted ? reportingAcceptedRows(stored, onAccepted, (err) => api.app.log.warn({ err }, 'accepted rows could not be passed on')) : stored;
  const blobs = blobsRepo(store.couch.use(store.dbName('blobs')));
  const scans = scansRepo(store.couch.use(store.dbName('scans')));
  const reader = scanReader();
  api.app.addHook('onClose', () => reader.close());
  /** Who has a scan being read: one at a time each (a second is refused, 429 scan_busy). */
  const reading = new Set<string>();
  // Each scan is decoded and searched (the dearest part, on the reader's thread) and its bytes kept:
  // AUTH_RATE_LIMIT × 4 a minute per user, as many as sign-in ceremonies from one address.
  const limitScans = perUserLimit(ctx.config.authRateLimitPerMinute * CEREMONY_RATE_LIMIT_FACTOR, ctx.now, 'scans filed');

  api.route({
    method: 'POST', url: '/api/process-sheets/scans', tag: 'sync', auth: 'session', body: processSheetScanBodySchema,
    bodyLimit: Math.ceil((MAX_SCAN_BYTES * 4) / 3) + 4096,
    summary: "File a scan (PNG) of a stamped process sheet to the request its QR code names (read by the server from the image), if that request is recorded, in the caller's scope, and the one filed from; audited",
    responses: {
      201: processSheetScanResponseSchema,
      400: 'invalid_body | not_a_sheet_code | not_an_image | no_code_found | code_mismatch',
      401: 'unauthenticated',
      403: 'forbidden | out_of_scope',
      404: 'unknown_request',
      409: 'wrong_request',
      422: 'scan_too_complex',
      429: 'scan_busy | rate_limited',
    },
  }, async ({ body, signedIn, reply }) => {
    const code = parseProcessSheetCode(body.code);
    if (!code.ok) throw new ApiError(400, 'not_a_sheet_code', `This is not a process sheet's code: ${code.error.message}`);
    const requestId = code.value;
    const { request, sealName } = await recordedRequest(stored, requestId);
    // Filing is a change (an attachment on the request): staff, custodians and administrators of
    // the request's unit or above may; an auditor or approver may not (403 forbidden).
    requirePermission(signedIn.user, 'sheet.file', { unitId: request.unitId }, await loadUnitTree(ctx.repos.units));
    if (body.requestId !== undefined && body.requestId !== requestId) {
      throw new ApiError(409, 'wrong_request', `The sheet is request "${requestId}"'s, not "${body.requestId}"'s, which it was filed from: file it from its own request`);
    }
    const bytes = fromBase64Url(body.data);
    limitScans(signedIn.user.id);
    if (reading.has(signedIn.user.id)) throw new ApiError(429, 'scan_busy', 'Another scan of yours is being read: send one scan at a time');
    reading.add(signedIn.user.id);
    try {
      await checkImage(reader, bytes, requestId);
    } finally {
      reading.delete(signedIn.user.id);
    }

    const sha = toHex(await sha256(bytes));
    const fresh: ScanDoc = {
      type: 'sheet-scan', id: '', requestId, code: processSheetCode(requestId), title: request.document.title, sealId: request.sealId, sealName,
      unitId: request.unitId, filedBy: signedIn.user.id, filedAt: ctx.now(), sha256: sha, mime: body.mime, size: bytes.length, ...(body.name === undefined ? {} : { name: body.name }),
    };
    const planned = (await scans.get(requestId, sha)) ?? { ...fresh, id: (await attachmentRow(fresh)).id };
    const row = await attachmentRow(planned);
    // The bytes first (content-addressed, served to no one until a fact names them), staged under
    // the filer's upload under this fact and settled as any upload is: checked against their hash.
    const upload = uploadUnder(row.id, signedIn.user.id);
    for (let index = 0; index * BLOB_CHUNK_BYTES < bytes.length; index += 1) {
      await blobs.stage(sha, upload.staging, index, toBase64Url(bytes.subarray(index * BLOB_CHUNK_BYTES, (index + 1) * BLOB_CHUNK_BYTES)));
    }
    await settleUpload(blobs, sha, upload, bytes.length);
    const filed = await ctx.changes.commit(async (tx) => {
      const held = await tx.read<ScanDoc>('scans', scanDocId(requestId, sha));
      if (held) return { result: held, audit: [] };
      tx.write('scans', scanDocId(requestId, sha), planned);
      return {
        result: planned,
        audit: [{
          actor: actorOf(signedIn), action: 'process_sheet.scan_filed', target: { kind: 'request', id: requestId }, unitId: request.unitId,
          before: null, after: { factRowId: planned.id, sha256: sha, size: bytes.length, mime: body.mime, title: planned.title, seal: planned.sealId },
        }],
      };
    });
    const filedRow = await attachmentRow(filed);
    await rows.createMany([filedRow]);
    reply.code(201);
    return { requestId, factRowId: filedRow.id, sha256: sha, size: filed.size };
  });

  api.route({
    method: 'GET', url: '/api/process-sheets/font', tag: 'sync', auth: 'session',
    summary: "The font a process sheet is printed in (Noto Sans SC, OTF): the app embeds the subset the sheet's text uses",
    responses: { 200: { mediaType: 'font/otf', description: 'Noto Sans SC Regular (SIL Open Font License 1.1)' }, 401: 'unauthenticated' },
  }, async ({ reply }) => {
    reply.header('content-type', 'font/otf');
    reply.header('cache-control', 'private, max-age=604800');
    return Buffer.from(await notoSansScRegular());
  });
}
