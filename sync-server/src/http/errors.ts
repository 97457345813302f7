import { z } from 'zod';
import { CanonicalEncodingError, type ApiErrorCode } from '@seal/shared';
import { PlanConflict } from '../couch/changeJournal';

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
    /** What this refusal was made of (a schema's `ZodError`, a store's answer), for the log. */
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Shorthands for the common refusals. */
export const notFound = (what: string): ApiError => new ApiError(404, 'not_found', `${what} does not exist`);

/** The `{ error, message }` answer to a failed request, and its status. */
export interface ErrorReply {
  readonly status: number;
  readonly error: string;
  readonly message: string;
}

const INTERNAL: ErrorReply = { status: 500, error: 'internal_error', message: 'The server failed to handle this request' };

/**
 * Maps any error a request ended with to its answer. Expected refusals (`ApiError`) keep their
 * status and code; Fastify's own refusals of a request (`FST_*` with a 4xx) and the rate
 * limiter's keep theirs; and a parse or validation error that escaped a route's own checks — a
 * schema's `parse` that threw, malformed JSON, a bad percent-escape, a value nested too deeply
 * for a recursive step, a record with no canonical form — is the input's fault, so 4xx. Only
 * what is left (a store that failed, a broken invariant) is a 500, and its message never
 * carries the error's own words or stack.
 */
export function errorReplyOf(err: unknown): ErrorReply {
  if (err instanceof ApiError) return { status: err.statusCode, error: err.code, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof PlanConflict) return { status: 409, error: 'conflict', message: 'The records this change reads kept changing under it: try again' };
  if (err instanceof z.core.$ZodError) return { status: 400, error: 'invalid_body', message: `The request is not valid: ${message}` };
  if (err instanceof CanonicalEncodingError) return { status: 400, error: 'invalid_body', message: `The request holds a value with no canonical form: ${message}` };
  if (err instanceof SyntaxError) return { status: 400, error: 'invalid_json', message: `The body is not valid JSON: ${message}` };
  if (err instanceof URIError) return { status: 400, error: 'bad_request', message: `The URL does not decode: ${message}` };
  if (err instanceof RangeError && /call stack/i.test(message)) return { status: 400, error: 'too_deep', message: 'The input nests too deeply to process' };
  const { code, statusCode } = (err ?? {}) as { code?: unknown; statusCode?: unknown };
  switch (code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, error: 'invalid_json', message: `The body is not valid JSON: ${message}` };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, error: 'payload_too_large', message };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, error: 'unsupported_media_type', message: `${message}: expected application/json (application/octet-stream on a route that takes bytes)` };
    default: {
      // Only Fastify's own refusals (and the rate limiter's) are the client's fault. A status on
      // anything else — a CouchDB answer through nano — is the store's, so it is a server error.
      const clientFault = statusCode === 429 || (typeof code === 'string' && code.startsWith('FST_'));
      if (!clientFault || typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return INTERNAL;
      return { status: statusCode, error: statusCode === 429 ? 'rate_limited' : statusCode === 413 ? 'payload_too_large' : 'bad_request', message };
    }
  }
}

/**
 * Electronic signing (certificates, countersignatures) only where the server was told to
 * (ELECTRONIC_SIGNING=true): until each document is judged against its electronic grant, a
 * certificate would let its holder sign any document in the organisation's name.
 */
export function requireSigningEnabled(config: { readonly electronicSigning: boolean }): void {
  if (!config.electronicSigning) {
    throw new ApiError(403, 'signing_disabled', 'Electronic signing is turned off on this server (ELECTRONIC_SIGNING=false)');
  }
}
