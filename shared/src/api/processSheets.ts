import { z } from 'zod';
import { decodableBase64UrlSchema, sha256HexSchema } from '../domain/primitives';
import { recordIdParamSchema } from './ids';

/** The largest scan of a process sheet the server files (bytes): a photo or a one-page scan. */
export const MAX_SCAN_BYTES = 8 * 1024 * 1024;

/**
 * A scan (or photo) of a stamped process sheet, to file to the request its QR names. The client
 * reads the code from the image (`readProcessSheet`) and sends both, as a PNG (a browser turns any
 * photo into one through a canvas): the server decodes the PNG and reads the QR itself, and files
 * it only if the image's code is the one sent, names a recorded request in the caller's scope,
 * and (when `requestId` is given: the request page the scan was filed from) that request.
 */
export const processSheetScanBodySchema = z.strictObject({
  /** The text of the sheet's QR, `SEALCTL:REQ:<request id>`. */
  code: z.string().min(1).max(300),
  /** The request the scan is filed from: a sheet naming another is refused (409 wrong_request). */
  requestId: recordIdParamSchema.optional(),
  mime: z.literal('image/png'),
  /** The image, base64url: an 8-bit, non-interlaced PNG. */
  data: decodableBase64UrlSchema.min(1).max(Math.ceil((MAX_SCAN_BYTES * 4) / 3) + 4),
  name: z.string().min(1).max(200).optional(),
});
export type ProcessSheetScanBody = z.infer<typeof processSheetScanBodySchema>;

/** The scan, filed: the attachment fact naming it under its request. */
export const processSheetScanResponseSchema = z.strictObject({
  requestId: z.string(),
  factRowId: z.string(),
  sha256: sha256HexSchema,
  size: z.int().positive(),
});
export type ProcessSheetScanResponse = z.infer<typeof processSheetScanResponseSchema>;

/** `GET /api/process-sheets/scans?request=<id>`: the scans filed to one request. */
export const processSheetScansQuerySchema = z.strictObject({ request: recordIdParamSchema });

/** A filed scan, as the request page and the archive show it. */
export const filedScanSchema = z.strictObject({
  /** The attachment fact's row id: names the scan (and its image, `/api/process-sheets/scans/<id>/image`). */
  id: z.string(),
  requestId: z.string(),
  code: z.string(),
  title: z.string(),
  sealId: z.string(),
  sealName: z.string(),
  unitId: z.string(),
  filedBy: z.string(),
  filedByName: z.string(),
  filedAt: z.int().nonnegative(),
  sha256: sha256HexSchema,
  mime: z.string(),
  size: z.int().positive(),
});
export type FiledScan = z.infer<typeof filedScanSchema>;

export const processSheetScansResponseSchema = z.strictObject({ scans: z.array(filedScanSchema) });
export type ProcessSheetScansResponse = z.infer<typeof processSheetScansResponseSchema>;

/** `{ id }` naming a filed scan (its attachment fact's row id, `fact:attachment:<sha256>`). */
export const scanIdParamsSchema = z.strictObject({ id: z.string().regex(/^fact:attachment:[0-9a-f]{64}$/, { message: 'expected a scan id: fact:attachment:<64 hex digits>' }) });
