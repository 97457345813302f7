import { ApiError } from '../api/ApiError';
import type { StampFinding } from './finding';
import type { VerifyInput } from './verifyInput';

/** Where a stamp is looked up: the organisation's server (public API), and this device's own copy. */
export interface StampLookups {
  /** The public verification API: a finding, or null when the server holds no such record. Throws `ApiError` when it cannot answer. */
  readonly online: {
    byInput(input: Exclude<VerifyInput, { kind: 'invalid' }>): Promise<StampFinding | null>;
    byPdfHash(sha256: string): Promise<StampFinding | null>;
  };
  /** This device's replica, when one is open here (a signed-in tablet); `undefined` otherwise. */
  readonly local: {
    byInput(input: Exclude<VerifyInput, { kind: 'invalid' }>): Promise<StampFinding | undefined>;
    byPdfHash(sha256: string): Promise<StampFinding | undefined>;
  } | undefined;
}

/** What a lookup came to. */
export type LookupOutcome =
  | { readonly type: 'found'; readonly finding: StampFinding }
  /** The server answered: no such record (a wrong code, or a file that was changed). */
  | { readonly type: 'not_found' }
  /** The server could not be reached, and this device's copy holds no such record. */
  | { readonly type: 'not_held' }
  /** The server could not be reached, and no copy is held here at all. */
  | { readonly type: 'no_source' };

/** The server could not answer (offline, no network, or it failed): the device's copy is asked instead. */
const unreachable = (error: unknown): boolean => error instanceof ApiError && (error.status === 0 || error.status >= 500 || error.code === 'bad_response');

async function lookUp(online: () => Promise<StampFinding | null>, local: (() => Promise<StampFinding | undefined>) | undefined): Promise<LookupOutcome> {
  try {
    const finding = await online();
    return finding === null ? { type: 'not_found' } : { type: 'found', finding };
  } catch (error) {
    if (!unreachable(error)) throw error;
  }
  if (local === undefined) return { type: 'no_source' };
  const held = await local();
  return held === undefined ? { type: 'not_held' } : { type: 'found', finding: held };
}

/**
 * Looks a code up: the organisation's server first (the authority: it holds every record and says
 * plainly when none has the code), then — when it cannot be reached — this device's own copy,
 * which says so (`source.from = 'device'`) and when it was last synced.
 */
export function lookUpInput(input: Exclude<VerifyInput, { kind: 'invalid' }>, lookups: StampLookups): Promise<LookupOutcome> {
  const local = lookups.local;
  return lookUp(() => lookups.online.byInput(input), local === undefined ? undefined : () => local.byInput(input));
}

/** Looks a PDF up by its SHA-256 (a recorded signed or countersigned version), as {@link lookUpInput} does. */
export function lookUpPdfHash(sha256: string, lookups: StampLookups): Promise<LookupOutcome> {
  const local = lookups.local;
  return lookUp(() => lookups.online.byPdfHash(sha256), local === undefined ? undefined : () => local.byPdfHash(sha256));
}
