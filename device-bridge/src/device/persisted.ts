import { deviceIdSchema, millisSchema, p256PublicJwkSchema, signedRosterSchema } from '@seal/shared';
import { z } from 'zod';
import { sealBindingSchema, signatureSchema } from '../protocol/orgRecords';

/**
 * What the device keeps in non-volatile storage, key by key (the log and photos aside). RAM-only
 * state — the nonce, the unlocked session, the last unlock outcome — is lost on restart on
 * purpose: the device always boots locked and every nonce dies with the power.
 */

/** `identity`: set once at provisioning. */
export const identitySchema = z.object({ deviceId: deviceIdSchema, orgPublicJwk: p256PublicJwkSchema, provisionedAt: millisSchema });
export type Identity = z.infer<typeof identitySchema>;

/** `binding`: the org-signed seal binding in force. */
export const storedBindingSchema = z.object({ record: sealBindingSchema, signature: signatureSchema });

/** `roster`: the org-signed roster in force, as installed. */
export const storedRosterSchema = signedRosterSchema;

/** `clock`: the correction applied to the RTC, and the last time record accepted. */
export const clockStateSchema = z.object({ offsetMs: z.int(), lastTimeAt: millisSchema.nullable() });
export type ClockState = z.infer<typeof clockStateSchema>;

/**
 * `counters`: uses made per request id — the anti-replay counter. An entry may be dropped once
 * its window is over: the clock never goes back, so no grant for it can pass the window again.
 */
export const countersSchema = z.record(z.string(), z.object({ used: z.int().nonnegative(), notAfter: millisSchema }));
export type Counters = z.infer<typeof countersSchema>;

/** `meta`: lifetime stamp count and the low-battery latch. */
export const metaSchema = z.object({ stampCount: z.int().nonnegative(), lowBatteryLatched: z.boolean() });
export type Meta = z.infer<typeof metaSchema>;
