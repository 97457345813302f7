import { toBase64Url } from '../encoding/base64url';
import { sha256 } from '../encoding/canonical';
import { err, ok, type Refusal, type Result } from '../result';
import { assertionChallenge } from './assertionChallenge';
import { asBufferSource, bytesEqual, concatBytes, decodeBase64Url } from './bytes';
import { derToRawSignature } from './derToRawSignature';
import { importP256PublicKey } from './importP256PublicKey';
import { parseAuthenticatorData } from './parseAuthenticatorData';
import { parseClientData } from './parseClientData';
import type { P256PublicJwk } from './p256PublicJwk';

/** Why an assertion was refused, in the order the checks run (see {@link verifyAssertion}). */
export type AssertionRefusalCode =
  | 'malformed_assertion'
  | 'malformed_client_data'
  | 'malformed_authenticator_data'
  | 'credential_mismatch'
  | 'wrong_type'
  | 'challenge_mismatch'
  | 'origin_mismatch'
  | 'cross_origin'
  | 'rp_id_mismatch'
  | 'user_not_present'
  | 'user_not_verified'
  | 'bad_public_key'
  | 'malformed_signature'
  | 'bad_signature';

/** The fields of a `PublicKeyCredential` from `navigator.credentials.get`, each base64url. */
export interface AssertionFields {
  /** The credential id (`rawId`). */
  readonly credentialId: string;
  readonly authenticatorData: string;
  readonly clientDataJSON: string;
  /** DER-encoded ES256 signature. */
  readonly signature: string;
  readonly userHandle?: string;
}

/** What the assertion must be bound to: a record (its {@link assertionChallenge}) or the challenge bytes. */
export type ExpectedChallenge = { readonly record: unknown } | { readonly challenge: Uint8Array };

export interface VerifyAssertionInput {
  readonly assertion: AssertionFields;
  readonly expected: ExpectedChallenge;
  /** The credential that must have signed: its id and stored public key. */
  readonly credential: { readonly id: string; readonly publicKeyJwk: P256PublicJwk };
  /** Allowed origins, compared exactly (e.g. `https://seal.example.cn`). */
  readonly origins: readonly string[];
  readonly rpId: string;
  readonly options?: {
    /** Require the UV flag (passkey PIN / biometric). Default `true`. */
    readonly requireUserVerification?: boolean;
    /** Accept `crossOrigin: true` (an assertion made in a cross-origin iframe). Default `false`. */
    readonly allowCrossOrigin?: boolean;
  };
}

/** A verified assertion. `signCount` is returned unchecked: the caller compares counters. */
export interface VerifiedAssertion {
  readonly credentialId: string;
  /** base64url of the challenge the signature binds. */
  readonly challenge: string;
  readonly origin: string;
  readonly signCount: number;
  readonly userPresent: boolean;
  readonly userVerified: boolean;
  readonly backupEligible: boolean;
  readonly backedUp: boolean;
  readonly userHandle?: string;
}

type Outcome = Result<VerifiedAssertion, Refusal<AssertionRefusalCode>>;
const refuse = (code: AssertionRefusalCode, message: string): Outcome => err({ code, message });
const quote = (values: readonly string[]) => values.map((v) => `"${v}"`).join(', ');

/**
 * Verifies a WebAuthn ES256 assertion offline, with only the credential's public key: the
 * server, the app and the seal device all run this same code.
 *
 * Checks, in this order; the first failure is returned:
 * 1. every field decodes: base64url (`malformed_assertion`), clientDataJSON
 *    (`malformed_client_data`), authenticator data (`malformed_authenticator_data`);
 * 2. the assertion names the expected credential (`credential_mismatch`);
 * 3. `clientData.type === 'webauthn.get'` (`wrong_type`);
 * 4. `clientData.challenge === base64url(expected challenge)`, exactly (`challenge_mismatch`);
 * 5. `clientData.origin` is one of `origins` (`origin_mismatch`), and not `crossOrigin` (`cross_origin`);
 * 6. rpIdHash === SHA-256(rpId) (`rp_id_mismatch`);
 * 7. UP flag (`user_not_present`), then UV flag unless waived (`user_not_verified`);
 * 8. the public key imports (`bad_public_key`), the DER signature is strict (`malformed_signature`);
 * 9. the ES256 signature over `authenticatorData ‖ SHA-256(clientDataJSON)` (`bad_signature`).
 *
 * Why this order: acceptance needs every check, so the order changes only which reason a refusal
 * gives. Field checks run before the signature so the reason is the useful one: an assertion
 * whose UV flag was cleared fails its signature too, but "user not verified" says what is wrong.
 * The flip side: a refusal's reason is NOT authenticated (a forger can choose it); log it as a
 * hint, never as evidence. Cheap checks before crypto also bound the work a junk input costs.
 *
 * Throws only on a broken invariant (e.g. an expected record that is not plain JSON).
 */
export async function verifyAssertion(input: VerifyAssertionInput): Promise<Outcome> {
  const { assertion, credential, origins, rpId } = input;
  const requireUserVerification = input.options?.requireUserVerification ?? true;

  const authBytes = decodeBase64Url(assertion.authenticatorData);
  const clientDataBytes = decodeBase64Url(assertion.clientDataJSON);
  const signatureBytes = decodeBase64Url(assertion.signature);
  const undecodable = (
    [
      ['credentialId', decodeBase64Url(assertion.credentialId)],
      ['authenticatorData', authBytes],
      ['clientDataJSON', clientDataBytes],
      ['signature', signatureBytes],
      ['userHandle', assertion.userHandle === undefined ? new Uint8Array() : decodeBase64Url(assertion.userHandle)],
    ] as const
  ).find(([, bytes]) => bytes === undefined);
  if (undecodable || !authBytes || !clientDataBytes || !signatureBytes) {
    return refuse('malformed_assertion', `Assertion field "${undecodable?.[0] ?? '?'}" is not base64url`);
  }
  const clientData = parseClientData(clientDataBytes);
  if (!clientData.ok) return clientData;
  const authData = parseAuthenticatorData(authBytes);
  if (!authData.ok) return authData;

  if (assertion.credentialId !== credential.id) {
    return refuse('credential_mismatch', `Unexpected credential "${assertion.credentialId}", expected "${credential.id}"`);
  }
  const { type, challenge, origin, crossOrigin } = clientData.value;
  if (type !== 'webauthn.get') return refuse('wrong_type', `Unexpected clientData type "${type}", expected "webauthn.get"`);

  const expectedBytes = 'record' in input.expected ? await assertionChallenge(input.expected.record) : input.expected.challenge;
  const expectedChallenge = toBase64Url(expectedBytes);
  if (challenge !== expectedChallenge) {
    return refuse('challenge_mismatch', `Unexpected challenge "${challenge}", expected "${expectedChallenge}" (the signed record differs)`);
  }
  if (!origins.includes(origin)) return refuse('origin_mismatch', `Unexpected origin "${origin}", expected one of ${quote(origins)}`);
  if (crossOrigin && input.options?.allowCrossOrigin !== true) {
    return refuse('cross_origin', `Assertion was made in a cross-origin frame (top origin "${clientData.value.topOrigin ?? 'unknown'}"), expected a top-level page`);
  }

  const { rpIdHash, flags, signCount } = authData.value;
  const expectedRpIdHash = await sha256(new TextEncoder().encode(rpId));
  if (!bytesEqual(rpIdHash, expectedRpIdHash)) {
    return refuse('rp_id_mismatch', `Unexpected rpIdHash ${toBase64Url(rpIdHash)}, expected SHA-256("${rpId}") = ${toBase64Url(expectedRpIdHash)}`);
  }
  if (!flags.userPresent) return refuse('user_not_present', 'User presence flag (UP) is not set, expected set');
  if (requireUserVerification && !flags.userVerified) {
    return refuse('user_not_verified', 'User verification flag (UV) is not set, expected set (PIN or biometric required)');
  }

  const key = await importP256PublicKey(credential.publicKeyJwk);
  if (!key.ok) return key;
  const rawSignature = derToRawSignature(signatureBytes);
  if (!rawSignature.ok) return rawSignature;
  const signedData = concatBytes(authBytes, await sha256(clientDataBytes));
  const valid = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key.value, asBufferSource(rawSignature.value), signedData);
  if (!valid) return refuse('bad_signature', `ES256 signature does not verify with the public key of credential "${credential.id}"`);

  return ok({
    credentialId: assertion.credentialId,
    challenge,
    origin,
    signCount,
    userPresent: flags.userPresent,
    userVerified: flags.userVerified,
    backupEligible: flags.backupEligible,
    backedUp: flags.backedUp,
    ...(assertion.userHandle === undefined ? {} : { userHandle: assertion.userHandle }),
  });
}
