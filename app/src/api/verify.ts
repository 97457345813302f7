import { verifyCodeResponseSchema, verifyPdfResponseSchema, type VerifiedRecord, type VerifyPdfResponse } from '@seal/shared';
import { ApiError } from './ApiError';
import { apiRequest } from './request';

/**
 * `GET /api/verify/:code` (public): the record an impression's verification code or a process
 * sheet's code names; `null` when the server holds none (404 `unknown_code`).
 */
export async function fetchVerifiedRecord(code: string): Promise<VerifiedRecord | null> {
  try {
    const { record } = await apiRequest('GET', `/api/verify/${encodeURIComponent(code)}`, verifyCodeResponseSchema);
    return record;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** `POST /api/verify/pdf` (public) with only the file's SHA-256: the file itself stays in the browser. */
export function verifyPdfHash(sha256: string): Promise<VerifyPdfResponse> {
  return apiRequest('POST', '/api/verify/pdf', verifyPdfResponseSchema, { sha256 });
}
