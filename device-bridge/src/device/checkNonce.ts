import { err, type Refusal, type Result } from '@seal/shared';
import { bytesEqual } from '../protocol/bytesEqual';

export type NonceRefusalCode = 'nonce_missing' | 'nonce_reused' | 'nonce_unknown' | 'nonce_expired';

/** What the device knows of its nonces when a command names one. */
export interface NonceState {
  /** The device clock. */
  readonly now: number;
  /** The nonce that was outstanding when the command arrived (already taken: single use). */
  readonly nonce: { readonly value: Uint8Array; readonly expiresAt: number } | null;
  /** Nonces the device issued and consumed before (most recent first). */
  readonly spentNonces: readonly Uint8Array[];
}

/**
 * The nonce a command names (an unlock, or the opening of reads): the one outstanding, not past
 * its expiry; a replay is named as one (`nonce_reused`) when the device still remembers it.
 * `null` when it passes.
 */
export function checkNonce(state: NonceState, sent: Uint8Array): Result<never, Refusal<NonceRefusalCode>> | null {
  const spent = state.spentNonces.some((n) => bytesEqual(n, sent));
  if (state.nonce === null) return spent ? err({ code: 'nonce_reused', message: 'this nonce was already used' }) : err({ code: 'nonce_missing', message: 'no nonce is outstanding: ask for one first' });
  if (!bytesEqual(state.nonce.value, sent)) return spent ? err({ code: 'nonce_reused', message: 'this nonce was already used' }) : err({ code: 'nonce_unknown', message: 'not the nonce this device issued' });
  if (state.now > state.nonce.expiresAt) return err({ code: 'nonce_expired', message: `the nonce expired at ${state.nonce.expiresAt}, device clock ${state.now}` });
  return null;
}
