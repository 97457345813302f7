import { z } from 'zod';
import { sealIdSchema, sealStatusChangeIdSchema, userIdSchema, type SealId, type SealStatusChangeId, type UserId } from './ids';
import { millisSchema, reasonSchema, type Millis } from './primitives';
import { roleSchema } from './role';
import { sealStatusSchema, type SealStatus } from './seal';

/**
 * A seal lifecycle change (an append-only fact): who moved which seal from what to what, when,
 * why, and under which role. `from` is `null` for the creation. Keyed by origin: see
 * {@link sealStatusChangeId}.
 */
export const sealStatusChangeSchema = z.strictObject({
  id: sealStatusChangeIdSchema,
  sealId: sealIdSchema,
  from: sealStatusSchema.nullable(),
  to: sealStatusSchema,
  actorId: userIdSchema,
  /** The role whose grant allowed the change (see `can`). */
  actorRole: roleSchema,
  reason: reasonSchema,
  at: millisSchema,
});
export type SealStatusChange = z.infer<typeof sealStatusChangeSchema>;

/**
 * The id of a lifecycle change, keyed by its origin: `sealId:from:to:actorId:at` (`from` is
 * `new` for the creation). The same actor making the same move at the same millisecond is the
 * same fact; two replicas that record it give it the same id.
 */
export function sealStatusChangeId(sealId: SealId, from: SealStatus | null, to: SealStatus, actorId: UserId, at: Millis): SealStatusChangeId {
  return sealStatusChangeIdSchema.parse(`${sealId}:${from ?? 'new'}:${to}:${actorId}:${at}`);
}
