/** Why the local store refused an edit before it was made (nothing was written), or bytes it cannot give yet (`not_uploaded`). */
export type StoreErrorCode = 'invalid_record' | 'invalid_fact' | 'record_exists' | 'unknown_record' | 'fact_conflict' | 'write_failed' | 'closed' | 'not_uploaded';

/** An edit the local store refused; `code` says why, for the UI. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(readonly code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
