import { z } from 'zod';
import { credentialViewSchema, sessionViewSchema, unitViewSchema, userViewSchema } from './views';
import { authenticationResponseSchema, credentialIdSchema, registrationResponseSchema } from './webauthn';

/**
 * The name a passkey gets when its owner gives none: `Passkey · 通行密钥 N`, N counting the user's
 * passkeys (revoked ones included), so the list still tells them apart. Bilingual on purpose: the
 * name is stored once and shown to everyone, in either of the app's languages. The app sends the
 * device's name ("Android · Chrome") when it can tell it.
 */
export const defaultPasskeyLabel = (nth: number): string => `Passkey · 通行密钥 ${nth}`;

/** The optional `label` of a registration body. */
export const passkeyLabelSchema = z.string().trim().max(100).optional()
  .describe(`Shown in the passkey list; empty or absent: "${defaultPasskeyLabel(1).replace('1', 'N')}", N the count of the user's passkeys`);

/** A new passkey, whichever ceremony registers it (setup, invitation, another passkey). */
export const registerVerifyBodySchema = z.strictObject({ response: registrationResponseSchema, label: passkeyLabelSchema });
export type RegisterVerifyBody = z.input<typeof registerVerifyBodySchema>;

// Setup (first start)

export const setupStateResponseSchema = z.object({ state: z.enum(['pending', 'done']) });
export type SetupState = z.infer<typeof setupStateResponseSchema>['state'];

export const setupOptionsBodySchema = z.strictObject({
  setupCode: z.string().max(64).describe('The one-time code the server printed at first start'),
  adminName: z.string().trim().min(1).max(200).describe('Name of the first administrator'),
  organisationName: z.string().trim().min(1).max(200).describe('Name of the root (HQ) unit'),
});
export type SetupOptionsBody = z.input<typeof setupOptionsBodySchema>;

export const setupVerifyResponseSchema = z.object({ user: userViewSchema, unit: unitViewSchema, credential: credentialViewSchema });

// Sign-in and sessions

export const loginVerifyBodySchema = z.strictObject({ response: authenticationResponseSchema });
export const loginVerifyResponseSchema = z.object({ user: userViewSchema, expiresAt: z.int().nonnegative() });
/** `GET /api/auth/session`: `null` for a visitor who sent no session cookie. */
export const sessionResponseSchema = z.object({ session: sessionViewSchema.nullable() });
/** An answer with no body (204). */
export const noContentSchema = z.null().describe('No content');

// Passkeys

export const credentialIdParamsSchema = z.strictObject({ id: credentialIdSchema });
export const credentialsResponseSchema = z.object({ credentials: z.array(credentialViewSchema) });
export const credentialResponseSchema = z.object({ credential: credentialViewSchema });
