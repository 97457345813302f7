import { z } from 'zod';

/** Unpadded base64url of bounded size (a WebAuthn field as `@simplewebauthn/browser` sends it). */
const b64u = (max: number) => z.string().min(1).max(max).regex(/^[A-Za-z0-9_-]+$/, { message: 'expected unpadded base64url' });

/** A credential id: 16–1023 bytes by the spec; base64url of up to 1023 bytes is 1364 characters. */
export const credentialIdSchema = b64u(1364);

/** What the two kinds of `PublicKeyCredential.toJSON()` share; `response` is what differs. */
const publicKeyCredentialJson = <R extends z.ZodRawShape>(response: R) => z.object({
  id: credentialIdSchema,
  rawId: credentialIdSchema,
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: z.looseObject({}).default({}),
  response: z.looseObject({ clientDataJSON: b64u(8192), ...response }),
});

/** `PublicKeyCredential.toJSON()` of `navigator.credentials.create` (registration). */
export const registrationResponseSchema = publicKeyCredentialJson({
  attestationObject: b64u(65536),
  transports: z.array(z.string().max(32)).max(10).optional(),
});

/** `PublicKeyCredential.toJSON()` of `navigator.credentials.get` (an assertion). */
export const authenticationResponseSchema = publicKeyCredentialJson({
  authenticatorData: b64u(8192),
  signature: b64u(1024),
  userHandle: b64u(128).optional(),
});

/**
 * `PublicKeyCredentialCreationOptionsJSON` as the server sends it (for `@simplewebauthn/browser`'s
 * `startRegistration`): the fields the app relies on are checked, the rest passes through.
 */
export const creationOptionsSchema = z.looseObject({
  challenge: z.string().min(1),
  rp: z.looseObject({ name: z.string() }),
  user: z.looseObject({ id: z.string().min(1), name: z.string(), displayName: z.string() }),
  pubKeyCredParams: z.array(z.looseObject({ type: z.literal('public-key'), alg: z.number() })),
}).meta({ description: 'PublicKeyCredentialCreationOptionsJSON' });

/** `PublicKeyCredentialRequestOptionsJSON` (for `startAuthentication`). */
export const requestOptionsSchema = z.looseObject({
  challenge: z.string().min(1),
}).meta({ description: 'PublicKeyCredentialRequestOptionsJSON' });
