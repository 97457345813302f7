import { refuse, ok, type Refusal, type Result } from '../result';
import type { UnitId } from './ids';
import { isInSubtree, type TreeUnit, type Units } from './orgTree';
import type { User } from './user';

/**
 * Whether `user` may be named the custodian of a seal of `unitId`: an active user holding the
 * `custodian` role on that unit or on a unit above it (a role covers its subtree). The one rule
 * for who keeps a seal: the custodians the app offers when a seal is made or edited, the new
 * custodian a `change_custodian` governance request may propose, and the custodian a pushed seal
 * record may name (`judgeSealCustodian`).
 */
export function mayKeepSealsOf(user: Pick<User, 'active' | 'grants'>, unitId: string, units: Units<TreeUnit>): boolean {
  return user.active && user.grants.some((grant) => grant.role === 'custodian' && isInSubtree(unitId as UnitId, grant.unitId, units));
}

/** The people who may keep a seal of `unitId` ({@link mayKeepSealsOf}), by name then id. */
export function sealCustodiansOf<U extends Pick<User, 'id' | 'name' | 'active' | 'grants'>>(unitId: string, users: readonly U[], units: Units<TreeUnit>): U[] {
  return users.filter((user) => mayKeepSealsOf(user, unitId, units)).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/**
 * Whether `custodianId` names someone who may keep a seal of `unitId` now ({@link mayKeepSealsOf}),
 * with a refusal that says who they are instead: no user here, a deactivated user, or someone
 * without the custodian role over the unit. The one check of the person a seal is handed to — a
 * pushed record naming its custodian (`judgeSealCustodian`), a `change_custodian` governance
 * request when it is asked, and again when it is carried out (the person named may have lost the
 * role, left or moved units while it was reviewed).
 */
export function judgeNewCustodian(custodianId: unknown, unitId: unknown, users: readonly Pick<User, 'id' | 'active' | 'grants'>[], units: Units<TreeUnit>): Result<void, Refusal<'not_a_custodian'>> {
  const named = users.find((user) => user.id === custodianId);
  if (named !== undefined && typeof unitId === 'string' && mayKeepSealsOf(named, unitId, units)) return ok(undefined);
  const who = named === undefined ? 'no user here' : !named.active ? 'a deactivated user' : 'someone without the custodian role over the unit';
  return refuse('not_a_custodian', `expected an active custodian of unit "${String(unitId)}" as the seal's custodian, got "${String(custodianId)}" (${who})`);
}

/** Why a seal record may not name its custodian as an edit names it. */
export type SealCustodianRefusalCode = 'not_a_custodian' | 'seal_custodian_excluded';

/** A seal record's creation (`before: null`) or edit, as judged by {@link judgeSealCustodian}. */
export interface SealCustodianEdit {
  /** Who makes the creation or edit (whose change it is). */
  readonly actorId: string;
  /** The record before the edit; `null` for its creation. */
  readonly before: { readonly custodianId?: unknown; readonly [field: string]: unknown } | null;
  readonly after: { readonly custodianId?: unknown; readonly unitId?: unknown; readonly [field: string]: unknown };
  /** The organisation's users (a user not listed is nobody: never a custodian). */
  readonly users: readonly Pick<User, 'id' | 'active' | 'grants'>[];
  readonly units: Units<TreeUnit>;
}

/**
 * Whether a seal record made or edited directly (not by an approved `change_custodian` governance
 * request, which the server writes itself) may name its custodian as it does. Separation of
 * duties hangs on who the record names: a seal's custodian never counts as its only approver and
 * never declares their own lost seal found. So:
 * 1. `not_a_custodian` — a record made, or one whose custodian changes, must name someone who
 *    may keep seals of its unit ({@link judgeNewCustodian}): never a made-up id, a deactivated user,
 *    or someone without the custodian role over the unit. One exception: whoever makes a seal
 *    (an administrator or custodian over its unit, as `seal.create` requires) may name themselves,
 *    an administrator keeping the seals of a small organisation: naming oneself only adds one's
 *    own exclusions, and frees nobody (an administrator never approves either).
 * 2. `seal_custodian_excluded` — a seal's custodian does not hand their own seal to someone else
 *    by an edit, nor does anyone take a seal over themselves: a third person who may edit the
 *    seal (an administrator, or another custodian over its unit) changes its custodian, or an
 *    approved governance request does. And a custodian who makes a seal keeps it themselves (a
 *    seal made for another custodian is made by an administrator). Otherwise a keeper who also
 *    approves would rename the custodian away, or make the seal naming a colleague, and then
 *    approve its use alone; or a colleague taking it over would free its keeper without their say.
 * A record whose custodian stays as it was passes, whoever it names (a custodian who has since
 * left does not freeze the record's other fields).
 */
export function judgeSealCustodian(edit: SealCustodianEdit): Result<void, Refusal<SealCustodianRefusalCode>> {
  const { before, after } = edit;
  if (before !== null && before.custodianId === after.custodianId) return ok(undefined);
  const makerKeepsIt = before === null && after.custodianId === edit.actorId;
  if (!makerKeepsIt) {
    const named = judgeNewCustodian(after.custodianId, after.unitId, edit.users, edit.units);
    if (!named.ok) return named;
  }
  if (before !== null && before.custodianId === edit.actorId) {
    return refuse('seal_custodian_excluded', `expected someone other than the seal's own custodian "${edit.actorId}" to hand it to another custodian (an administrator or another custodian of the unit, or an approved change_custodian request)`);
  }
  if (before !== null && after.custodianId === edit.actorId) {
    return refuse('seal_custodian_excluded', `expected someone other than the new custodian "${edit.actorId}" to hand the seal over (an administrator, or an approved change_custodian request): taking a seal over oneself frees its keeper without their say`);
  }
  const actor = edit.users.find((user) => user.id === edit.actorId);
  if (before === null && after.custodianId !== edit.actorId && actor !== undefined && typeof after.unitId === 'string' && mayKeepSealsOf(actor, after.unitId, edit.units)) {
    return refuse('seal_custodian_excluded', `expected a custodian who makes a seal to keep it themselves, got "${String(after.custodianId)}": a seal made for another custodian is made by an administrator (a keeper naming a colleague would approve its use alone)`);
  }
  return ok(undefined);
}
