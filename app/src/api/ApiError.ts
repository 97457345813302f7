import type { ApiErrorCode } from '@seal/shared';

/**
 * Codes an {@link ApiError} carries: the sync-server's (`{ error, message }`, shared with it),
 * plus the client's own: `offline` (no network interface), `network` (the request did not reach
 * the server or got no answer), `bad_response` (an answer that is not what the API's schema
 * promises: not JSON, or JSON of another shape).
 */
export type ApiClientErrorCode =
  | ApiErrorCode
  | 'offline'
  | 'network'
  | 'bad_response'
  // A code this client does not know yet (a newer server): shown with the server's message.
  | (string & {});

/**
 * A call to the sync-server (its API or its replication endpoints) that did not succeed: the
 * HTTP status (0 if none), the code, and the `cause` — what failed underneath (the `fetch`
 * error, the server's `{ error, message }` body, the schema's `ZodError`). One type for every
 * call the app makes, told apart by `code`, never by class or name.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: ApiClientErrorCode;
  /** Seconds the server asked us to wait (`retry-after`), on `rate_limited`. */
  readonly retryAfterSeconds: number | undefined;

  constructor(init: { status: number; code: ApiClientErrorCode; message: string; cause: unknown; retryAfterSeconds?: number }) {
    super(init.message, { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

const isCode = (err: unknown, codes: readonly ApiClientErrorCode[]): err is ApiError => err instanceof ApiError && codes.includes(err.code);

/**
 * Whether `err` says the session is gone: `unauthenticated` (no session cookie was sent) or
 * `session_expired` (one was sent but its session ended: expired, signed out elsewhere, passkey
 * revoked, account deactivated).
 */
export const isSignedOutError = (err: unknown): err is ApiError => isCode(err, ['unauthenticated', 'session_expired']);

/**
 * Whether a local replica must stop syncing: the session is gone, or it is another person's
 * than the replica's (`replica_user_mismatch`: another tab signed in).
 */
export const isReplicaHaltError = (err: unknown): err is ApiError => isCode(err, ['unauthenticated', 'session_expired', 'replica_user_mismatch']);

/** Whether a request failed because its deadline passed: its signal aborted with a `TimeoutError`. */
export const isTimeoutCause = (cause: unknown): boolean => cause instanceof DOMException && cause.name === 'TimeoutError';

/**
 * Whether a call was given up past its deadline (`network`, its cause a `TimeoutError`): the server
 * may have done what it asked, only its answer did not come in time.
 */
export const isGivenUpError = (err: unknown): err is ApiError => isCode(err, ['network']) && isTimeoutCause(err.cause);

/** Whether no answer came: the device is offline or the server could not be reached. */
export const isUnreachableError = (err: unknown): err is ApiError => isCode(err, ['offline', 'network']);
