import { z } from 'zod';
import { twinForms } from '../crypto/signatureTwin';
import { hashRecordHex, type Sha256HexFunction } from '../encoding/canonical';
import { geofenceSchema, positionSchema } from './geo';
import { deviceEventIdSchema, deviceIdSchema, grantIdSchema, requestIdSchema, sealIdSchema, userIdSchema, type DeviceEventId } from './ids';
import { base64UrlSchema, millisSchema, sha256HexSchema } from './primitives';

/** `prevHash` of a device's first log entry (seq 0): 32 zero bytes in hex. */
export const GENESIS_PREV_HASH = '0'.repeat(64);

const entry = {
  deviceId: deviceIdSchema,
  /** 0 for the first entry, then +1 per entry, with no gap. */
  seq: z.int().nonnegative(),
  /** `deviceEventHash` of the previous entry; `GENESIS_PREV_HASH` at seq 0. */
  prevHash: sha256HexSchema,
  /** The device's clock (see `time_set`). */
  at: millisSchema,
  /** The device key's P-256 signature (raw r‖s, 64 bytes, base64url) over `deviceEventSigningBody`. */
  signature: base64UrlSchema.length(86),
};

const event = <T extends string, P extends z.ZodType>(type: T, payload: P) => z.strictObject({ ...entry, type: z.literal(type), payload });

/**
 * A stamp (用印): which request and grant it used (null when the device stamped without one: that
 * is always an anomaly), its use number under the request (the device's counter, 1-based), the
 * hash of the photo taken of the stamped page, and where.
 */
export const stampPayloadSchema = z.strictObject({
  requestId: requestIdSchema.nullable(),
  grantId: grantIdSchema.nullable(),
  useIndex: z.int().positive().nullable(),
  photoSha256: sha256HexSchema.nullable(),
  position: positionSchema.optional(),
});
export type StampPayload = z.infer<typeof stampPayloadSchema>;

/** The device log entry schemas, one per event type. */
export const deviceEventSchemas = {
  boot: event('boot', z.strictObject({ firmware: z.string().min(1).max(100) })),
  time_set: event('time_set', z.strictObject({ previous: millisSchema, source: z.enum(['app', 'gnss', 'manual']) })),
  roster_installed: event('roster_installed', z.strictObject({ rosterVersion: z.int().nonnegative(), rosterSha256: sha256HexSchema })),
  seal_bound: event('seal_bound', z.strictObject({ sealId: sealIdSchema })),
  grant_installed: event('grant_installed', z.strictObject({ grantId: grantIdSchema, requestId: requestIdSchema })),
  unlock: event('unlock', z.strictObject({ grantId: grantIdSchema, requestId: requestIdSchema, holderId: userIdSchema, position: positionSchema.optional() })),
  stamp: event('stamp', stampPayloadSchema),
  /** `tamper` and `geofence_breach`: the device locked itself after that event (logged just before). */
  lock: event('lock', z.strictObject({ cause: z.enum(['holder', 'timeout', 'uses_exhausted', 'window_closed', 'remote', 'tamper', 'geofence_breach']) })),
  refusal: event('refusal', z.strictObject({ code: z.string().min(1).max(64), message: z.string().max(500), requestId: requestIdSchema.nullable(), grantId: grantIdSchema.nullable() })),
  tamper: event('tamper', z.strictObject({ detail: z.string().min(1).max(500) })),
  geofence_breach: event('geofence_breach', z.strictObject({ position: positionSchema, geofence: geofenceSchema })),
  low_battery: event('low_battery', z.strictObject({ percent: z.int().min(0).max(100) })),
  /** A newer org-signed revocation list (PROTOCOL.md §5): its version, when it was issued, its hash. */
  revocations_installed: event('revocations_installed', z.strictObject({ version: z.int().nonnegative(), issuedAt: millisSchema, listSha256: sha256HexSchema })),
} as const;

/**
 * One entry of a device's log: an append-only fact keyed by origin (`deviceId:seq`, see
 * {@link deviceEventId}), linked to the previous entry by `prevHash` and signed by the device key.
 * Discriminated by `type`.
 */
export const deviceEventSchema = z.discriminatedUnion('type', [
  deviceEventSchemas.boot,
  deviceEventSchemas.time_set,
  deviceEventSchemas.roster_installed,
  deviceEventSchemas.seal_bound,
  deviceEventSchemas.grant_installed,
  deviceEventSchemas.unlock,
  deviceEventSchemas.stamp,
  deviceEventSchemas.lock,
  deviceEventSchemas.refusal,
  deviceEventSchemas.tamper,
  deviceEventSchemas.geofence_breach,
  deviceEventSchemas.low_battery,
  deviceEventSchemas.revocations_installed,
]);
export type DeviceEvent = z.infer<typeof deviceEventSchema>;
export type DeviceEventType = DeviceEvent['type'];
/** A device log entry of one type. */
export type DeviceEventOf<T extends DeviceEventType> = Extract<DeviceEvent, { type: T }>;
/** A stamp entry. */
export type StampEvent = DeviceEventOf<'stamp'>;

/** The key of a device log entry: `deviceId:seq`. The same device and seq is always the same entry. */
export function deviceEventId(event: Pick<DeviceEvent, 'deviceId' | 'seq'>): DeviceEventId {
  return deviceEventIdSchema.parse(`${event.deviceId}:${event.seq}`);
}

/** A device log entry without its signature (kept discriminated by `type`). */
export type UnsignedDeviceEvent = DeviceEvent extends infer E ? (E extends DeviceEvent ? Omit<E, 'signature'> : never) : never;

/** What the device key signs: the entry without its signature. */
export function deviceEventSigningBody(event: DeviceEvent): UnsignedDeviceEvent {
  const { signature: _signature, ...body } = event;
  return body;
}

/**
 * The hash that links the next entry to this one: `hashRecordHex` of the WHOLE entry, signature
 * included, so a re-signed or altered entry breaks the chain after it. `sha256Hex`: the digest to
 * use (a server may pass a synchronous one); WebCrypto's by default.
 */
export function deviceEventHash(event: DeviceEvent, sha256Hex?: Sha256HexFunction): Promise<string> {
  return hashRecordHex(event, sha256Hex);
}

/**
 * The hashes the next entry may chain to: the entry's as held, and its with the signature's ECDSA
 * twin (`twinForms`): a copy held in the twin form (anyone can make one, without the key) is the
 * entry the device signed, and the device chained its next entry to its own form.
 */
export function deviceEventHashes(event: DeviceEvent, sha256Hex?: Sha256HexFunction): Promise<string[]> {
  return Promise.all(twinForms(event.signature).map((signature) => deviceEventHash({ ...event, signature }, sha256Hex)));
}
