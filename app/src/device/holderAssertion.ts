import { assertionChallenge, toBase64Url, type AssertionFields } from '@seal/shared';
import type { ReadRecord, UnlockRecord } from '@seal/device-bridge';

const b64u = (buffer: ArrayBuffer): string => toBase64Url(new Uint8Array(buffer));

/**
 * The person at the tablet confirms with a passkey: an assertion whose challenge is the hash of
 * the record (as bytes) — the unlock record to unlock, the read record to open reads of photos.
 * Both name the device's fresh nonce, so the device takes each once.
 */
export async function holderAssertion(record: UnlockRecord | ReadRecord): Promise<AssertionFields> {
  const challenge = await assertionChallenge(record);
  const credential = (await navigator.credentials.get({
    publicKey: { challenge: new Uint8Array(challenge), rpId: location.hostname, userVerification: 'required', allowCredentials: [], timeout: 120_000 },
  })) as PublicKeyCredential | null;
  if (credential === null) throw new DOMException('no passkey chosen', 'NotAllowedError');
  const response = credential.response as AuthenticatorAssertionResponse;
  return {
    credentialId: b64u(credential.rawId),
    authenticatorData: b64u(response.authenticatorData),
    clientDataJSON: b64u(response.clientDataJSON),
    signature: b64u(response.signature),
    ...(response.userHandle ? { userHandle: b64u(response.userHandle) } : {}),
  };
}
