import type { ApiErrorCode } from '@seal/shared';

/**
 * An expected failure of a request: its status and code reach the client as JSON. The codes are
 * shared with the app ({@link ApiErrorCode}); the STATUS says how the request failed where it
 * was made:
 * - 401 when the caller's own authentication fails: a sign-in assertion, a missing session
 *   (`unauthenticated`: no session cookie was sent) or a dead one (`session_expired`: a cookie
 *   was sent but opens no session — expired, signed out elsewhere, passkey revoked, account
 *   deactivated, or unknown; the server also clears that cookie);
 * - 422 when the caller is signed in fine but a record they submitted does not verify (a
 *   decision's assertion at `POST /api/decisions/verify`);
 * - 403 `setup_code_invalid` / `invitation_invalid` for a one-time code that matches nothing:
 *   the code is the credential that lets someone register, so a wrong one is refused like any
 *   wrong credential, the same way for both kinds of code (and the status says nothing about
 *   whether anything exists behind a guessed code). A code that matches a used, expired or
 *   withdrawn invitation says so (409 / 410): only its holder can learn that.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly statusCode: number,
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Shorthands for the common refusals. */
export const notFound = (what: string): ApiError => new ApiError(404, 'not_found', `${what} does not exist`);
