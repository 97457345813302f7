import { z } from 'zod';
import { base64UrlBytesSchema } from '../crypto/p256PublicJwk';
import { signRecord } from '../crypto/signRecord';
import { approvalRouteSchema } from '../domain/approvalRoute';
import { deviceIdSchema, sealIdSchema, unitIdSchema, userIdSchema, type DeviceId } from '../domain/ids';
import { millisSchema } from '../domain/primitives';


/**
 * Records the organisation key signs for one device (besides the roster). Each says what it is
 * (`purpose`) and names the device, so a record for one device is refused by every other one.
 * The signature is `signRecord` (P-256 over the canonical JSON), base64url raw r ‖ s.
 * The server signs them (sync-server/src/http/routes/devices.ts); the device checks them.
 */

export const TIME_RECORD_PURPOSE = 'seal-device-time';
export const SEAL_BINDING_PURPOSE = 'seal-device-binding';

/** "It is `at` now", for one device. The device moves its clock forward to it, never back. */
export const timeRecordSchema = z.strictObject({
  purpose: z.literal(TIME_RECORD_PURPOSE),
  deviceId: deviceIdSchema,
  at: millisSchema,
});
export type TimeRecord = z.infer<typeof timeRecordSchema>;

/**
 * What the device must know about the seal locked in it to judge approvals offline: which seal,
 * the approval route of its kind, its custodian, and its unit with that unit's ancestors (nearest
 * first, ending at HQ) — an approver's role on any of those units covers the seal. `version`
 * only grows: the device refuses an older or equal binding with other content.
 */
export const sealBindingSchema = z.strictObject({
  purpose: z.literal(SEAL_BINDING_PURPOSE),
  deviceId: deviceIdSchema,
  version: z.int().nonnegative(),
  sealId: sealIdSchema,
  route: approvalRouteSchema,
  custodianId: userIdSchema,
  /** The seal's unit first, then its parent, …, the HQ. */
  sealUnitPath: z.array(unitIdSchema).min(1).max(16),
  issuedAt: millisSchema,
});
export type SealBinding = z.infer<typeof sealBindingSchema>;

/** A record and the organisation key's signature over it. */
export interface Signed<T> {
  readonly record: T;
  readonly signature: string;
}

export const signatureSchema = base64UrlBytesSchema(64);

/** Signs a time record for a device (what the server or the custodian's app does). */
export async function signTimeRecord(orgPrivateKey: CryptoKey, deviceId: DeviceId, at: number): Promise<Signed<TimeRecord>> {
  const record: TimeRecord = { purpose: TIME_RECORD_PURPOSE, deviceId, at };
  return { record, signature: await signRecord(orgPrivateKey, record) };
}

/** Signs a seal binding, after checking it against its schema (throws on a malformed one: a bug). */
export async function signSealBinding(orgPrivateKey: CryptoKey, binding: Omit<SealBinding, 'purpose'>): Promise<Signed<SealBinding>> {
  const record = sealBindingSchema.parse({ ...binding, purpose: SEAL_BINDING_PURPOSE });
  return { record, signature: await signRecord(orgPrivateKey, record) };
}
