import { z } from 'zod';
import { p256PublicJwkSchema } from '../crypto/p256PublicJwk';
import { sealBindingSchema, signatureSchema, timeRecordSchema } from '../device/orgRecords';
import { deviceSchema } from '../domain/device';
import { deviceEventSchema } from '../domain/deviceEvent';
import { grantSchema } from '../domain/grant';
import { base64UrlSchema, millisSchema, sha256HexSchema } from '../domain/primitives';
import { useRequestSchema } from '../domain/useRequest';
import { attachmentMimeSchema, MAX_ATTACHMENT_BYTES } from '../sync/factBodies';
import { sealRecordSchema } from '../sync/recordSchemas';

/** What a bundle says it is, and the only format version this verifier reads. */
export const EVIDENCE_BUNDLE_FORMAT = 'seal-control-evidence';
export const EVIDENCE_BUNDLE_VERSION = 1;
/** What the organisation key's signature over a whole bundle says it is. */
export const BUNDLE_ATTESTATION_PURPOSE = 'seal-evidence-bundle';

/** A record and the organisation key's signature over it (strict: nothing travels beside them). */
const signed = <T extends z.ZodType>(record: T) => z.strictObject({ record, signature: signatureSchema });

/**
 * A signed roster as it was issued. The roster itself stays opaque here: `verifySignedRoster`
 * checks the signature over it AS RECEIVED, then its schema, so any change to any member fails.
 */
export const bundleRosterSchema = z.strictObject({ roster: z.record(z.string(), z.unknown()), signature: signatureSchema });

/** The photo the device took of the stamped page: its bytes (base64url) and the hash they must have. */
export const bundlePhotoSchema = z.strictObject({
  sha256: sha256HexSchema,
  mime: attachmentMimeSchema,
  bytes: base64UrlSchema.min(1).max(Math.ceil((MAX_ATTACHMENT_BYTES * 4) / 3)),
});
export type BundlePhoto = z.infer<typeof bundlePhotoSchema>;

/** One stamp the bundle is evidence of: its place in the device log, and its photo (null when none was recorded). */
export const bundleStampSchema = z.strictObject({ seq: z.int().nonnegative(), photo: bundlePhotoSchema.nullable() });

/**
 * An evidence bundle: everything needed to check one stamp (`kind: 'stamp'`) or every stamp of one
 * request (`kind: 'request'`) with nothing but the organisation's public key.
 *
 * - `log` is the device's log FROM GENESIS (seq 0, `prevHash` = zeros) up to the last stamp, every
 *   entry signed by the device key and chained by `prevHash`. Removing an entry leaves a seq
 *   missing (a gap) or, if the later ones are renumbered, breaks their signatures and chain;
 *   removing the stamp leaves it out of the log. The log is also where the device's own signed
 *   word on the grant it unlocked with (`unlock`), the rosters it installed (`roster_installed`,
 *   by hash) and its clock settings (`time_set`) comes from.
 * - `grants` are the grants the stamps name, with every decision and its passkey assertion.
 * - `rosters` are signed rosters as issued: the one in force when each decision was made, and
 *   the latest (to tell whether an approver was revoked since).
 * - `binding` and `timeRecords` are the org-signed records the device was given.
 * - `attestation` is the organisation key's signature over the whole bundle without it (its
 *   canonical JSON): the records no one else signed (the request's title, the seal's name, the
 *   device's registration and key) are vouched for by the organisation at export, and one
 *   changed byte anywhere fails it.
 */
export const evidenceBundleSchema = z.strictObject({
  format: z.literal(EVIDENCE_BUNDLE_FORMAT),
  version: z.literal(EVIDENCE_BUNDLE_VERSION),
  kind: z.enum(['stamp', 'request']),
  exportedAt: millisSchema,
  orgPublicKey: p256PublicJwkSchema,
  request: useRequestSchema,
  seal: sealRecordSchema,
  device: deviceSchema,
  binding: signed(sealBindingSchema),
  timeRecords: z.array(signed(timeRecordSchema)).max(10_000),
  rosters: z.array(bundleRosterSchema).min(1).max(1_000),
  grants: z.array(grantSchema).max(1_000),
  log: z.array(deviceEventSchema).min(1).max(1_000_000),
  stamps: z.array(bundleStampSchema).max(1_000),
  attestation: z.strictObject({ purpose: z.literal(BUNDLE_ATTESTATION_PURPOSE), signature: signatureSchema }),
});
export type EvidenceBundle = z.infer<typeof evidenceBundleSchema>;

/** What the organisation key signs for a bundle: the bundle without its attestation, and what it is. */
export function bundleAttestationBody(bundle: Omit<EvidenceBundle, 'attestation'> & { attestation?: unknown }): Record<string, unknown> {
  const { attestation: _attestation, ...rest } = bundle;
  return { purpose: BUNDLE_ATTESTATION_PURPOSE, bundle: rest };
}
