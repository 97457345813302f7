import { signRecord } from '../crypto/signRecord';
import { BUNDLE_ATTESTATION_PURPOSE, bundleAttestationBody, evidenceBundleSchema, type EvidenceBundle } from './bundleSchema';

/** A bundle before the organisation signs it. */
export type UnattestedBundle = Omit<EvidenceBundle, 'attestation'>;

/**
 * Signs a bundle with the organisation key (what the server does at export): checked against the
 * schema first (throws on a malformed one: a bug), so what is signed is what a verifier parses.
 */
export async function attestBundle(orgPrivateKey: CryptoKey, body: UnattestedBundle): Promise<EvidenceBundle> {
  const signature = await signRecord(orgPrivateKey, bundleAttestationBody(body));
  return evidenceBundleSchema.parse({ ...body, attestation: { purpose: BUNDLE_ATTESTATION_PURPOSE, signature } });
}
