import { z } from 'zod';
import { recordIdParamSchema } from './ids';
import { queryTimeSchema } from './queryTime';
import { filedScanSchema } from './processSheets';


/**
 * `GET /api/archive`: stamped documents in the reader's scope (`log.read`), newest first. Every
 * text filter matches case-insensitively anywhere in its field.
 */
export const archiveQuerySchema = z.strictObject({
  title: z.string().min(1).max(200).optional().describe("Part of the document's title"),
  seal: z.string().min(1).max(200).optional().describe("Part of the seal's name, or its id"),
  unit: recordIdParamSchema.optional().describe("A unit: its whole subtree (default: the reader's scope)"),
  code: z.string().min(1).max(300).optional().describe("Part of the document's code (a process sheet's `SEALCTL:REQ:<id>`, an impression's verification code with or without dashes) or its request's id"),
  from: queryTimeSchema.optional().describe('Inclusive lower bound of the filing time'),
  to: queryTimeSchema.optional().describe('Exclusive upper bound of the filing time'),
  cursor: z.string().min(1).max(400).optional().describe('Opaque: `nextCursor` of the previous page'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});
export type ArchiveQuery = z.output<typeof archiveQuerySchema>;

/** A scanned process sheet (stamped on paper), filed to its request. */
export const paperScanEntrySchema = z.strictObject({
  kind: z.literal('paper_scan'),
  ...filedScanSchema.shape,
  unitName: z.string(),
});

/**
 * An electronic seal's impression on a PDF: `code` is its verification code (grouped, as printed
 * on the pages), `filedBy` the holder who stamped, `filedAt` the time the impression claims,
 * `sha256` the holder-signed PDF's; `countersigned` whether the organisation countersigned it.
 */
export const electronicImpressionEntrySchema = filedScanSchema.omit({ mime: true, size: true }).extend({
  kind: z.literal('electronic_impression'),
  unitName: z.string(),
  /** The 1-based pages stamped. */
  pages: z.array(z.int().positive()),
  countersigned: z.boolean(),
});

/** One stamped document: a scanned paper process sheet, or an electronic impression. */
export const archiveEntrySchema = z.discriminatedUnion('kind', [paperScanEntrySchema, electronicImpressionEntrySchema]);
export type ArchiveEntry = z.infer<typeof archiveEntrySchema>;

export const archiveResponseSchema = z.strictObject({
  entries: z.array(archiveEntrySchema),
  /** `null` on the last page. */
  nextCursor: z.string().nullable(),
  total: z.int().nonnegative(),
});
export type ArchiveResponse = z.infer<typeof archiveResponseSchema>;
