import { z } from 'zod';
import { sha256HexSchema } from '../domain/primitives';

/** The largest scan of a process sheet the server files (bytes): a photo or a one-page scan. */
export const MAX_SCAN_BYTES = 8 * 1024 * 1024;

/**
 * A scan (or photo) of a stamped process sheet, to file to the request its QR names. The client
 * reads the code from the image (`readProcessSheet`) and sends both: the server checks the code
 * names a request in the caller's scope before it keeps a byte.
 */
export const processSheetScanBodySchema = z.strictObject({
  /** The text of the sheet's QR, `SEALCTL:REQ:<request id>`. */
  code: z.string().min(1).max(300),
  mime: z.enum(['image/jpeg', 'image/png', 'image/webp', 'application/pdf']),
  /** The image, base64url. */
  data: z.string().regex(/^[A-Za-z0-9_-]+$/).max(Math.ceil((MAX_SCAN_BYTES * 4) / 3) + 4),
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
