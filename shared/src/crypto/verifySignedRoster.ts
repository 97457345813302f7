import { z } from 'zod';
import { CanonicalEncodingError } from '../encoding/canonical';
import { err, ok, type Refusal, type Result } from '../result';
import { jwkThumbprint } from './jwkThumbprint';
import type { P256PublicJwk } from './p256PublicJwk';
import { rosterSchema, type Roster } from './roster';
import { verifyRecordSignature } from './verifyRecordSignature';

/** Why a signed roster was refused. */
export type RosterRefusalCode = 'malformed_roster' | 'org_key_mismatch' | 'bad_public_key' | 'malformed_signature' | 'bad_signature' | 'stale_roster';

const envelopeSchema = z.object({ roster: z.looseObject({ orgKeyId: z.string() }), signature: z.string() });

/**
 * Verifies a signed roster as received (e.g. parsed JSON) against the organisation public key.
 *
 * Order: envelope shape (`malformed_roster`); `roster.orgKeyId` is the thumbprint of
 * `orgPublicJwk` (`org_key_mismatch`); the signature over the canonical roster AS RECEIVED
 * (`malformed_signature`, `bad_signature`), so any change to any member, known or not, fails
 * here; then the full schema (`malformed_roster`); then `version >= minVersion` (`stale_roster`).
 *
 * @param options.minVersion - refuse older rosters (anti-rollback): pass the held version to
 *   accept a re-delivery of it, or held + 1 to accept only newer ones.
 * @returns the roster, parsed by {@link rosterSchema}
 */
export async function verifySignedRoster(
  signed: unknown,
  orgPublicJwk: P256PublicJwk,
  options: { readonly minVersion?: number } = {},
): Promise<Result<Roster, Refusal<RosterRefusalCode>>> {
  const envelope = envelopeSchema.safeParse(signed);
  if (!envelope.success) return err({ code: 'malformed_roster', message: `Not a signed roster:\n${z.prettifyError(envelope.error)}` });
  const { roster, signature } = envelope.data;

  const keyId = await jwkThumbprint(orgPublicJwk);
  if (roster.orgKeyId !== keyId) {
    return err({ code: 'org_key_mismatch', message: `Roster names org key "${roster.orgKeyId}", expected "${keyId}"` });
  }
  let verified;
  try {
    verified = await verifyRecordSignature(orgPublicJwk, roster, signature);
  } catch (error) {
    if (error instanceof CanonicalEncodingError) return err({ code: 'malformed_roster', message: `Roster is not plain JSON: ${error.message}` });
    throw error;
  }
  if (!verified.ok) {
    const message = verified.error.code === 'bad_signature' ? 'Roster signature does not verify with the organisation key: the roster was altered or signed by another key' : verified.error.message;
    return err({ code: verified.error.code, message });
  }

  const parsed = rosterSchema.safeParse(roster);
  if (!parsed.success) return err({ code: 'malformed_roster', message: `Signed roster is not valid:\n${z.prettifyError(parsed.error)}` });
  if (options.minVersion !== undefined && parsed.data.version < options.minVersion) {
    return err({ code: 'stale_roster', message: `Roster version ${parsed.data.version} is older than ${options.minVersion}, expected ${options.minVersion} or newer` });
  }
  return ok(parsed.data);
}
