import type { ApiErrorCode } from '@seal/shared';

/**
 * Codes an {@link ApiError} carries: the sync-server's (`{ error, message }`, shared with it),
 * plus the client's own: `offline` (no network interface), `network` (the request did not reach
 * the server or got no answer), `bad_response` (an answer that is not the JSON the API promises).
 */
export type ApiClientErrorCode =
  | ApiErrorCode
  | 'offline'
  | 'network'
  | 'bad_response'
  // A code this client does not know yet (a newer server): shown with the server's message.
  | (string & {});

/** A request to the sync-server that did not succeed: the HTTP status (0 if none) and the code. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: ApiClientErrorCode;
  /** Seconds the server asked us to wait (`retry-after`), on `rate_limited`. */
  readonly retryAfterSeconds: number | undefined;

  constructor(init: { status: number; code: ApiClientErrorCode; message: string; retryAfterSeconds?: number; cause?: unknown }) {
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
