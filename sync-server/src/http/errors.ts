/** Error codes the HTTP API answers with, in `{ error, message }` bodies. */
export type ApiErrorCode =
  | 'bad_request'
  | 'invalid_json'
  | 'payload_too_large'
  | 'not_found'
  | 'method_not_allowed'
  | 'rate_limited'
  | 'store_unreachable'
  | 'internal_error';

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
