import { requestIdSchema, type RequestId } from '../domain/ids';
import { ok, refuse, type Refusal, type Result } from '../result';

/**
 * The process sheet (用印流程单) for physical stamping: printed with the request's code as a QR,
 * stamped on paper beside the document, then scanned or photographed and filed back to its
 * request. The QR carries `SEALCTL:REQ:<request id>`: a prefix of ours, so a QR from anything else
 * on the page (a bank slip, a delivery note) is told apart from a sheet's.
 */
export const PROCESS_SHEET_PREFIX = 'SEALCTL:REQ:';

export const processSheetCode = (requestId: RequestId): string => `${PROCESS_SHEET_PREFIX}${requestId}`;

/** Why a text or an image is not a process sheet's code. */
export type ProcessSheetRefusalCode = 'not_a_sheet_code' | 'no_code_found';

/** The request a sheet's code names. */
export function parseProcessSheetCode(text: string): Result<RequestId, Refusal<ProcessSheetRefusalCode>> {
  if (!text.startsWith(PROCESS_SHEET_PREFIX)) return refuse('not_a_sheet_code', `expected a code starting "${PROCESS_SHEET_PREFIX}", got ${JSON.stringify(text.slice(0, 80))}`);
  const id = requestIdSchema.safeParse(text.slice(PROCESS_SHEET_PREFIX.length));
  if (!id.success) return refuse('not_a_sheet_code', `expected a request id after "${PROCESS_SHEET_PREFIX}", got ${JSON.stringify(text.slice(PROCESS_SHEET_PREFIX.length, 120))}`);
  return ok(id.data);
}
