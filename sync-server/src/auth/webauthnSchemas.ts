import { z } from 'zod';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';

/** Unpadded base64url of bounded size (a WebAuthn field as `@simplewebauthn/browser` sends it). */
const b64u = (max: number) => z.string().min(1).max(max).regex(/^[A-Za-z0-9_-]+$/, { message: 'expected unpadded base64url' });

/** A credential id: 16–1023 bytes by the spec; base64url of up to 1023 bytes is 1364 characters. */
export const credentialIdSchema = b64u(1364);

/** `PublicKeyCredential.toJSON()` of `navigator.credentials.create` (registration). */
export const registrationResponseSchema = z.object({
  id: credentialIdSchema,
  rawId: credentialIdSchema,
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: z.looseObject({}).default({}),
  response: z.looseObject({
    clientDataJSON: b64u(8192),
    attestationObject: b64u(65536),
    transports: z.array(z.string().max(32)).max(10).optional(),
  }),
}) as unknown as z.ZodType<RegistrationResponseJSON>;

/** `PublicKeyCredential.toJSON()` of `navigator.credentials.get` (an assertion). */
export const authenticationResponseSchema = z.object({
  id: credentialIdSchema,
  rawId: credentialIdSchema,
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: z.looseObject({}).default({}),
  response: z.looseObject({
    clientDataJSON: b64u(8192),
    authenticatorData: b64u(8192),
    signature: b64u(1024),
    userHandle: b64u(128).optional(),
  }),
}) as unknown as z.ZodType<AuthenticationResponseJSON>;
