import { WebAuthnError } from '@simplewebauthn/browser';
import { CodedError } from '@seal/shared';

/** Why the browser or the authenticator did not produce a passkey or an assertion. */
export type PasskeyErrorCode =
  /** The person closed the prompt, or it timed out (the browser does not say which). */
  | 'passkey_cancelled'
  /** This authenticator already holds a passkey for this account. */
  | 'passkey_exists'
  /** No WebAuthn, or no authenticator that can keep a discoverable, verified ES256 passkey. */
  | 'passkey_unsupported'
  /** The page's address cannot use passkeys (e.g. an IP address instead of a host name). */
  | 'passkey_insecure'
  | 'passkey_failed';

/** A failed WebAuthn ceremony in the browser (the server was not asked yet, or not at all). */
export class PasskeyError extends CodedError<PasskeyErrorCode> {
  override readonly name = 'PasskeyError';
}

const UNSUPPORTED = new Set([
  'ERROR_AUTHENTICATOR_MISSING_DISCOVERABLE_CREDENTIAL_SUPPORT',
  'ERROR_AUTHENTICATOR_MISSING_USER_VERIFICATION_SUPPORT',
  'ERROR_AUTHENTICATOR_NO_SUPPORTED_PUBKEYCREDPARAMS_ALG',
  'ERROR_MALFORMED_PUBKEYCREDPARAMS',
]);

/** Maps what `startRegistration` / `startAuthentication` threw to a {@link PasskeyError}. */
export function toPasskeyError(err: unknown): PasskeyError {
  if (err instanceof PasskeyError) return err;
  if (err instanceof WebAuthnError) {
    if (err.code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED') return new PasskeyError('passkey_exists', err.message, { cause: err });
    if (UNSUPPORTED.has(err.code)) return new PasskeyError('passkey_unsupported', err.message, { cause: err });
    if (err.code === 'ERROR_INVALID_DOMAIN' || err.code === 'ERROR_INVALID_RP_ID') return new PasskeyError('passkey_insecure', err.message, { cause: err });
    if (err.code === 'ERROR_CEREMONY_ABORTED' || err.name === 'NotAllowedError' || err.name === 'AbortError') {
      return new PasskeyError('passkey_cancelled', err.message, { cause: err });
    }
    return new PasskeyError('passkey_failed', err.message, { cause: err });
  }
  if (err instanceof DOMException && err.name === 'NotAllowedError') return new PasskeyError('passkey_cancelled', err.message, { cause: err });
  const message = err instanceof Error ? err.message : String(err);
  return new PasskeyError('passkey_failed', message, { cause: err });
}
