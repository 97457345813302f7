/**
 * Error codes the HTTP API answers with, in `{ error, message }` bodies.
 *
 * One code per meaning, everywhere: a passkey the server does not know is `unknown_credential`
 * and a revoked one `revoked_credential`, whether it was offered to sign in or found on a signed
 * record (the names of the shared offline verifier, `verifyAssertionWithRoster`, so the app,
 * the seal device and the server say the same thing). The STATUS says how the request failed
 * where it was made:
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
export type ApiErrorCode =
  | 'bad_request'
  | 'invalid_json'
  | 'invalid_body'
  | 'invalid_query'
  | 'payload_too_large'
  | 'not_found'
  | 'method_not_allowed'
  | 'rate_limited'
  | 'store_unreachable'
  | 'internal_error'
  // sessions and permissions
  | 'unauthenticated'
  | 'session_expired'
  | 'forbidden'
  | 'out_of_scope'
  | 'origin_not_allowed'
  // bootstrap and invitations
  | 'setup_already_done'
  | 'setup_code_invalid'
  | 'invitation_invalid'
  | 'invitation_expired'
  | 'invitation_used'
  | 'invitation_revoked'
  // WebAuthn ceremonies
  | 'challenge_unknown'
  | 'challenge_used'
  | 'challenge_expired'
  | 'challenge_mismatch'
  | 'malformed_client_data'
  | 'wrong_type'
  | 'origin_mismatch'
  | 'registration_refused'
  | 'assertion_refused'
  | 'unsupported_key'
  | 'credential_exists'
  | 'unknown_credential'
  | 'revoked_credential'
  | 'user_handle_mismatch'
  | 'user_deactivated'
  | 'counter_regressed'
  | 'last_passkey'
  // administration
  | 'unit_invalid'
  | 'last_system_admin'
  | 'conflict';

/** An expected failure of a request: its status and code reach the client as JSON. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly statusCode: number,
    readonly code: ApiErrorCode | (string & {}),
    message: string,
  ) {
    super(message);
  }
}

/** Shorthands for the common refusals. */
export const notFound = (what: string): ApiError => new ApiError(404, 'not_found', `${what} does not exist`);
