import { deviceIdSchema, millisSchema, p256PublicJwkSchema, signedRevocationListSchema, signedRosterSchema } from '@seal/shared';
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

/** `revocations`: the org-signed revocation list in force, as installed. */
export const storedRevocationsSchema = signedRevocationListSchema;

/** `clock`: the correction applied to the RTC, and the last time record accepted. */
export const clockStateSchema = z.object({ offsetMs: z.int(), lastTimeAt: millisSchema.nullable() });
export type ClockState = z.infer<typeof clockStateSchema>;

/**
 * `counters`: uses made per request id — the anti-replay counter — with the end of each
 * request's APPROVED window (what its approvers signed) and its holder, and the watermark below
 * which the device refuses requests it holds no counter for (see `useCounters.ts`). Entries are
 * never pruned by time; only a full table evicts, and eviction raises the watermark.
 */
const useCounterSchema = z.object({ used: z.int().nonnegative(), approvedNotAfter: millisSchema, holderId: z.string().max(128).optional() });
const currentCountersSchema = z.object({ watermark: millisSchema, requests: z.record(z.string(), useCounterSchema) });
/**
 * What firmware 1.0.0 stored: `{ [requestId]: { used, notAfter } }` with the end of the GRANT's
 * window (which let a second grant stamp again: issue 10). Read once and kept as it was, with
 * the grant's end standing for the approved one and no watermark; rewritten on the next use.
 */
const legacyCountersSchema = z
  .record(z.string(), z.object({ used: z.int().nonnegative(), notAfter: millisSchema }))
  .transform((old) => ({ watermark: 0, requests: Object.fromEntries(Object.entries(old).map(([id, c]) => [id, { used: c.used, approvedNotAfter: c.notAfter }])) }));
export const countersSchema = z.union([currentCountersSchema, legacyCountersSchema]);
export type UseCounters = z.infer<typeof currentCountersSchema>;

/** `meta`: lifetime stamp count and the low-battery latch. */
export const metaSchema = z.object({ stampCount: z.int().nonnegative(), lowBatteryLatched: z.boolean() });
export type Meta = z.infer<typeof metaSchema>;
