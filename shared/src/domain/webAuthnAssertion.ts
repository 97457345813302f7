import { z } from 'zod';
import { base64UrlSchema } from './primitives';

/**
 * A WebAuthn assertion carried opaquely inside a record: the fields of the `PublicKeyCredential`
 * from `navigator.credentials.get`, each base64url (the same shape as the crypto layer's
 * `AssertionFields`). The domain never interprets it; `verifyAssertion` does.
 */
export const webAuthnAssertionSchema = z.strictObject({
  credentialId: base64UrlSchema.min(1),
  authenticatorData: base64UrlSchema.min(1),
  clientDataJSON: base64UrlSchema.min(1),
  /** DER-encoded ES256 signature. */
  signature: base64UrlSchema.min(1),
  userHandle: base64UrlSchema.optional(),
});
export type WebAuthnAssertion = z.infer<typeof webAuthnAssertionSchema>;
