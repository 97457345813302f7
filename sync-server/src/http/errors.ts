/** Error codes the HTTP API answers with, in `{ error, message }` bodies. */
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
  | 'credential_revoked'
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
