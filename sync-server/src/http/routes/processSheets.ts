import {
  BLOB_CHUNK_BYTES, factIdOf, factRowId, factSubjectOf, fromBase64Url, parseProcessSheetCode, processSheetScanBodySchema, processSheetScanResponseSchema,
  sha256, toBase64Url, toHex, useRequestSchema, MAX_SCAN_BYTES, type AttachmentMeta, type FactRow, type UserId,
} from '@seal/shared';
import { loadUnitTree, requirePermission } from '../../auth/scope';
import type { Store } from '../../couch/store';
import { reportingAcceptedRows, type AcceptedRowsListener } from '../../sync/acceptedRows';
import { blobsRepo } from '../../sync/blobsRepo';
import { mergeChangeRows } from '../../sync/recordStates';
import { rowsRepo } from '../../sync/rowsRepo';
import { settleUpload, uploadKeyOf } from '../../sync/settleUpload';
import type { Api } from '../api';
import { ApiError } from '../errors';
import { actorOf, recordChange } from '../recordChange';

/**
 * Process sheets come back: a scan or photo of a stamped sheet is filed to the request its QR
 * names, as an attachment (the fact `request:<id>` and its bytes, kept like any attachment and
 * replicated to whoever reads the request) — after the code is checked to name a recorded
 * request in the caller's scope. The client decodes the QR (`readProcessSheet`); the server
 * trusts only what it can check: the request and the scope.
 */
export function processSheetRoutes(api: Api, store: Store, onAccepted?: AcceptedRowsListener): void {
  const { ctx } = api;
  const stored = rowsRepo(store.couch.use(store.dbName('rows')));
  const rows = onAccepted ? reportingAcceptedRows(stored, onAccepted, (err) => api.app.log.warn({ err }, 'accepted rows could not be passed on')) : stored;
  const blobs = blobsRepo(store.couch.use(store.dbName('blobs')));

  api.route({
    method: 'POST', url: '/api/process-sheets/scans', tag: 'sync', auth: 'session', body: processSheetScanBodySchema,
    bodyLimit: Math.ceil((MAX_SCAN_BYTES * 4) / 3) + 4096,
    summary: "File a scan of a stamped process sheet to the request its QR code names (an attachment about `request:<id>`), if that request is recorded and in the caller's scope",
    responses: {
      201: processSheetScanResponseSchema,
      400: 'invalid_body | not_a_sheet_code',
      401: 'unauthenticated',
      403: 'forbidden | out_of_scope',
      404: 'unknown_request',
    },
  }, async ({ body, signedIn, reply }) => {
    const code = parseProcessSheetCode(body.code);
    if (!code.ok) throw new ApiError(400, 'not_a_sheet_code', `This is not a process sheet's code: ${code.error.message}`);
    const requestId = code.value;
    const request = useRequestSchema.safeParse(mergeChangeRows(await stored.changesOf('request', requestId)).json);
    if (!request.success) throw new ApiError(404, 'unknown_request', `The sheet's code names request "${requestId}", which is not recorded: no scan was filed`);
    // Filing is a change (an attachment on the request): staff, custodians and administrators of
    // the request's unit or above may; an auditor or approver may not (403 forbidden).
    requirePermission(signedIn.user, 'sheet.file', { unitId: request.data.unitId }, await loadUnitTree(ctx.repos.units));
    const bytes = fromBase64Url(body.data);
    if (bytes.length === 0 || bytes.length > MAX_SCAN_BYTES) throw new ApiError(400, 'invalid_body', `A scan must be 1 to ${MAX_SCAN_BYTES} bytes, got ${bytes.length}`);

    const sha = toHex(await sha256(bytes));
    const at = ctx.now();
    const meta = { sha256: sha, about: `request:${requestId}`, mime: body.mime, size: bytes.length, at, ...(body.name === undefined ? {} : { name: body.name }) };
    const id = await factIdOf('attachment', { ...meta, id: '' });
    const attachment = { ...meta, id } as AttachmentMeta;
    const row: FactRow = {
      id: factRowId('attachment', id), type: 'fact', kind: 'attachment', subject: factSubjectOf('attachment', attachment),
      scopeUnitId: request.data.unitId, author: signedIn.user.id as UserId, createdAt: at, body: attachment,
    };
    await rows.createMany([row]);
    // The bytes, staged under this fact's upload and settled as any upload is: checked against their hash.
    const upload = uploadKeyOf(row.id);
    for (let index = 0; index * BLOB_CHUNK_BYTES < bytes.length; index += 1) {
      await blobs.stage(sha, upload, index, toBase64Url(bytes.subarray(index * BLOB_CHUNK_BYTES, (index + 1) * BLOB_CHUNK_BYTES)));
    }
    await settleUpload(blobs, sha, row.id, bytes.length);
    await recordChange(ctx, {
      actor: actorOf(signedIn), action: 'process_sheet.scan_filed', target: { kind: 'request', id: requestId },
      unitId: request.data.unitId, before: null, after: { factRowId: row.id, sha256: sha, size: bytes.length, mime: body.mime },
    });
    reply.code(201);
    return { requestId, factRowId: row.id, sha256: sha, size: bytes.length };
  });
}
