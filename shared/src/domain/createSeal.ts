import { can } from '../policy/can';
import { refuse, ok, type Refusal, type Result } from '../result';
import { type Units } from './orgTree';
import { isReason, millisSchema, type Millis } from './primitives';
import { sealSchema, type Seal } from './seal';
import { sealStatusChangeId, type SealStatusChange } from './sealStatusChange';
import type { User } from './user';

/** Why a seal could not be created. */
export type CreateSealRefusalCode = 'invalid_seal' | 'not_permitted' | 'reason_required' | 'invalid_time';

/** A seal as submitted for creation: everything but its status, which always starts `active`. */
export type NewSeal = Seal extends infer S ? (S extends Seal ? Omit<S, 'status'> : never) : never;

/**
 * Creates a seal (the lifecycle's `new → active`): validates the record (anti-counterfeit code
 * included), checks that the actor may `seal.create` in the seal's unit, and requires a reason.
 * Ok with the seal record and its creation change.
 */
export function createSeal(
  input: NewSeal,
  actor: User,
  reason: string,
  at: Millis,
  units: Units,
): Result<{ seal: Seal; change: SealStatusChange }, Refusal<CreateSealRefusalCode>> {
  const parsed = sealSchema.safeParse({ ...input, status: 'active' });
  if (!parsed.success) {
    return refuse('invalid_seal', `expected a valid seal: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  const seal = parsed.data;
  const permit = can(actor, 'seal.create', { unitId: seal.unitId }, units);
  if (!permit.ok) return refuse('not_permitted', permit.error.message);
  if (!isReason(reason)) return refuse('reason_required', `expected a reason for creating seal "${seal.id}", got ${JSON.stringify(reason)}`);
  if (!millisSchema.safeParse(at).success) return refuse('invalid_time', `expected integer milliseconds since the epoch, got ${at}`);
  const change: SealStatusChange = {
    id: sealStatusChangeId(seal.id, null, 'active', actor.id, at),
    sealId: seal.id,
    from: null,
    to: 'active',
    actorId: actor.id,
    actorRole: permit.value.role,
    reason,
    at,
  };
  return ok({ seal, change });
}
