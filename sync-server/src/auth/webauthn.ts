import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { coseToJwk, fromBase64Url, importP256PublicKey, parseClientData, toBase64Url, type ClientData } from '@seal/shared';
import type { ChallengeDoc, ChallengePurpose, CredentialDoc } from '../couch/model';
import type { ServerContext } from '../context';
import { ApiError } from '../http/errors';

/** ES256 (ECDSA P-256 with SHA-256): the only algorithm the roster, the app and the seal device verify. */
export const ES256 = -7;

/** What a verified registration adds to the store. */
export type NewCredential = Pick<CredentialDoc, 'id' | 'publicKey' | 'jwk' | 'counter' | 'transports'>;

/** Registration options for a new passkey, with the challenge stored for `purpose`. */
export async function registrationOptions(
  ctx: ServerContext,
  user: { readonly name: string; readonly webauthnUserId: string },
  exclude: readonly CredentialDoc[],
  challenge: Omit<ChallengeDoc, 'type' | 'expiresAt'>,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const options = await generateRegistrationOptions({
    rpName: ctx.config.rpName,
    rpID: ctx.config.rpId,
    userName: user.name,
    userDisplayName: user.name,
    userID: fromBase64Url(user.webauthnUserId) as Uint8Array<ArrayBuffer>,
    attestationType: 'none',
    // Discoverable (sign-in without a user name) and verified (PIN / biometric) passkeys only.
    authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
    supportedAlgorithmIDs: [ES256],
    excludeCredentials: exclude.map((c) => ({ id: c.id, transports: [...c.transports] })),
    timeout: ctx.config.challengeTtlMs,
  });
  await ctx.repos.challenges.issue(options.challenge, { ...challenge, type: 'challenge', expiresAt: ctx.now() + ctx.config.challengeTtlMs });
  return options;
}

/** Sign-in options: discoverable credentials (empty allowCredentials), user verification required. */
export async function authenticationOptions(ctx: ServerContext, purpose: ChallengePurpose = 'login'): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const options = await generateAuthenticationOptions({
    rpID: ctx.config.rpId,
    allowCredentials: [],
    userVerification: 'required',
    timeout: ctx.config.challengeTtlMs,
  });
  await ctx.repos.challenges.issue(options.challenge, { type: 'challenge', purpose, expiresAt: ctx.now() + ctx.config.challengeTtlMs });
  return options;
}

/**
 * Reads `clientDataJSON`, checks its type and origin, then consumes the challenge it carries
 * (once, across all servers). Every refusal is a 400 with a code saying which check failed.
 * The challenge is consumed before the signature is checked: one attempt per challenge.
 */
export async function consumeCeremonyChallenge(
  ctx: ServerContext,
  clientDataJSON: string,
  expectedType: 'webauthn.create' | 'webauthn.get',
  purposes: readonly ChallengePurpose[],
): Promise<{ clientData: ClientData; challenge: ChallengeDoc }> {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(clientDataJSON);
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    throw new ApiError(400, 'malformed_client_data', `clientDataJSON is not base64url: ${error.message}`);
  }
  const parsed = parseClientData(bytes);
  if (!parsed.ok) throw new ApiError(400, parsed.error.code, parsed.error.message);
  const clientData = parsed.value;
  if (clientData.type !== expectedType) {
    throw new ApiError(400, 'wrong_type', `Unexpected clientData type "${clientData.type}", expected "${expectedType}"`);
  }
  if (!ctx.config.origins.includes(clientData.origin)) {
    throw new ApiError(400, 'origin_mismatch', `Unexpected origin "${clientData.origin}", expected one of ${ctx.config.origins.map((o) => `"${o}"`).join(', ')}`);
  }
  const consumed = await ctx.repos.challenges.consume(clientData.challenge, purposes, ctx.now());
  if (!consumed.ok) throw new ApiError(400, consumed.error.code, consumed.error.message);
  return { clientData, challenge: consumed.value };
}

/** Verifies a registration (attestation `none`, ES256, UV) and returns the credential to store. */
export async function verifyRegistration(ctx: ServerContext, response: RegistrationResponseJSON, challenge: string): Promise<NewCredential> {
  let result;
  try {
    result = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: [...ctx.config.origins],
      expectedRPID: ctx.config.rpId,
      requireUserPresence: true,
      requireUserVerification: true,
      supportedAlgorithmIDs: [ES256],
    });
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    throw new ApiError(400, 'registration_refused', `The passkey registration was refused: ${error.message}`);
  }
  if (!result.verified) throw new ApiError(400, 'registration_refused', 'The passkey registration did not verify');
  const { credential } = result.registrationInfo;
  const jwk = coseToJwk(credential.publicKey);
  if (!jwk.ok) throw new ApiError(400, 'unsupported_key', jwk.error.message);
  const imported = await importP256PublicKey(jwk.value);
  if (!imported.ok) throw new ApiError(400, 'unsupported_key', imported.error.message);
  return {
    id: credential.id,
    publicKey: toBase64Url(credential.publicKey),
    jwk: jwk.value,
    counter: credential.counter,
    transports: (response.response.transports ?? []).slice(0, 10),
  };
}

/**
 * Verifies a sign-in assertion's signature, rpId and UV with the stored public key, and returns
 * the authenticator's new counter. The counter is compared by the caller, after the signature
 * verified: only an authentically signed regression is evidence of a cloned authenticator.
 */
export async function verifyLoginAssertion(
  ctx: ServerContext,
  response: AuthenticationResponseJSON,
  challenge: string,
  credential: CredentialDoc,
): Promise<{ newCounter: number }> {
  try {
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: [...ctx.config.origins],
      expectedRPID: ctx.config.rpId,
      requireUserVerification: true,
      // Counter 0 here on purpose: @simplewebauthn compares counters BEFORE checking the
      // signature; we compare after (see above) so a forged assertion is never "a regression".
      credential: { id: credential.id, publicKey: fromBase64Url(credential.publicKey) as Uint8Array<ArrayBuffer>, counter: 0 },
    });
    if (!result.verified) throw new ApiError(401, 'assertion_refused', 'The passkey assertion did not verify');
    return { newCounter: result.authenticationInfo.newCounter };
  } catch (error) {
    if (error instanceof ApiError || !(error instanceof Error)) throw error;
    throw new ApiError(401, 'assertion_refused', `The passkey assertion was refused: ${error.message}`);
  }
}
