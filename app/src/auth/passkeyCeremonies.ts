import {
  browserSupportsWebAuthn,
  startAuthentication,
  startRegistration,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/browser';
import { PasskeyError, toPasskeyError } from './PasskeyError';

function requireWebAuthn(): void {
  if (!browserSupportsWebAuthn()) {
    throw new PasskeyError('passkey_unsupported', 'This browser has no WebAuthn (navigator.credentials with public-key)');
  }
}

/** Asks the authenticator to create a passkey with the server's options; rejects with a {@link PasskeyError}. */
export async function createPasskey(optionsJSON: PublicKeyCredentialCreationOptionsJSON): Promise<RegistrationResponseJSON> {
  requireWebAuthn();
  try {
    return await startRegistration({ optionsJSON });
  } catch (err) {
    throw toPasskeyError(err);
  }
}

/** Asks the authenticator for an assertion (a discoverable passkey); rejects with a {@link PasskeyError}. */
export async function usePasskey(optionsJSON: PublicKeyCredentialRequestOptionsJSON): Promise<AuthenticationResponseJSON> {
  requireWebAuthn();
  try {
    return await startAuthentication({ optionsJSON });
  } catch (err) {
    throw toPasskeyError(err);
  }
}
