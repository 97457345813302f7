/**
 * Codes the sync-server answers with (`{ error, message }`), plus the client's own: `offline`
 * (no network interface), `network` (the request did not reach the server or got no answer),
 * `bad_response` (an answer that is not the JSON the API promises).
 */
export type ApiErrorCode =
  | 'offline'
  | 'network'
  | 'bad_response'
  | 'bad_request'
  | 'invalid_json'
  | 'invalid_body'
  | 'invalid_query'
  | 'payload_too_large'
  | 'not_found'
  | 'rate_limited'
  | 'store_unreachable'
  | 'internal_error'
  | 'unauthenticated'
  | 'session_expired'
  | 'forbidden'
  | 'out_of_scope'
  | 'origin_not_allowed'
  | 'setup_already_done'
  | 'setup_code_invalid'
  | 'invitation_invalid'
  | 'invitation_expired'
  | 'invitation_used'
  | 'invitation_revoked'
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
  | 'unit_invalid'
  | 'last_system_admin'
  | 'conflict'
  // A code this client does not know yet (a newer server): shown with the server's message.
  | (string & {});

/** A request to the sync-server that did not succeed: the HTTP status (0 if none) and the code. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: ApiErrorCode;
  /** Seconds the server asked us to wait (`retry-after`), on `rate_limited`. */
  readonly retryAfterSeconds: number | undefined;

  constructor(init: { status: number; code: ApiErrorCode; message: string; retryAfterSeconds?: number; cause?: unknown }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

/**
 * Whether `err` says the session is gone: `unauthenticated` (no session cookie was sent) or
 * `session_expired` (one was sent but its session ended: expired, signed out elsewhere, passkey
 * revoked, account deactivated).
 */
export const isSignedOutError = (err: unknown): err is ApiError =>
  err instanceof ApiError && (err.code === 'unauthenticated' || err.code === 'session_expired');
