import { isInSubtree, unitChain, type Role, type TreeUnit } from '@seal/shared';

/** A person as the people list shows them: enough to tell whose scope a change touches. */
export interface PersonInTree {
  readonly id: string;
  readonly name: string;
  readonly unitId: string;
  readonly grants: readonly { readonly role: Role; readonly unitId: string }[];
  readonly active: boolean;
}

/** Someone whose role reaches the moved unit through an ancestor, before or after the move. */
export interface ReachChange {
  readonly personId: string;
  readonly name: string;
  readonly role: Role;
  /** The ancestor unit the role is held on. */
  readonly unitId: string;
}

/** What moving a unit under a new parent changes, for the administrator to read before applying it. */
export interface UnitMoveEffect {
  /** The unit and every unit below it: they move together. */
  readonly unitIds: readonly string[];
  /** Active people placed in, or holding a role on, a unit that moves: their roles get a new place in the tree. */
  readonly people: readonly PersonInTree[];
  /** Roles held above the unit today that will no longer cover it. */
  readonly losing: readonly ReachChange[];
  /** Roles held above the new parent that will cover it from now on. */
  readonly gaining: readonly ReachChange[];
  /** Seals of the moving units. */
  readonly seals: number;
  /** Open requests (pending, approved, in use) of the moving units. */
  readonly openRequests: number;
}

/**
 * What moving `unitId` under `newParentId` does to scope: who moves with it, whose roles stop or
 * start covering it, how many seals and open requests go along. `undefined` when the move is no
 * move (same parent, the HQ, unknown units) or impossible (under itself or its own subtree).
 */
export function unitMoveEffect(
  input: {
    readonly units: readonly TreeUnit[];
    readonly people: readonly PersonInTree[];
    readonly seals: readonly { readonly unitId: string }[];
    readonly openRequests: readonly { readonly unitId: string }[];
  },
  unitId: string,
  newParentId: string,
): UnitMoveEffect | undefined {
  const { units } = input;
  const unit = units.find((u) => u.id === unitId);
  if (unit === undefined || unit.parentId === null || unit.parentId === newParentId) return undefined;
  if (!units.some((u) => u.id === newParentId) || isInSubtree(newParentId, unitId, units)) return undefined;
  const moving = new Set(units.filter((u) => isInSubtree(u.id, unitId, units)).map((u) => u.id));
  const before = new Set(unitChain(unit.parentId, units).map(String));
  const after = new Set(unitChain(newParentId, units).map(String));
  const active = input.people.filter((p) => p.active);
  const reach = (from: Set<string>, not: Set<string>): ReachChange[] =>
    active.flatMap((p) => p.grants.filter((g) => from.has(g.unitId) && !not.has(g.unitId)).map((g) => ({ personId: p.id, name: p.name, role: g.role, unitId: g.unitId })));
  return {
    unitIds: [...moving],
    people: active.filter((p) => moving.has(p.unitId) || p.grants.some((g) => moving.has(g.unitId))),
    losing: reach(before, after),
    gaining: reach(after, before),
    seals: input.seals.filter((s) => moving.has(s.unitId)).length,
    openRequests: input.openRequests.filter((r) => moving.has(r.unitId)).length,
  };
}

/** Why a unit cannot be closed yet: its open units and the active people placed or holding a role on it (the server's rule). */
export function closeBlockers(
  units: readonly (TreeUnit & { readonly closedAt?: number })[],
  people: readonly PersonInTree[],
  unitId: string,
): { readonly openUnits: readonly string[]; readonly people: readonly PersonInTree[] } {
  return {
    openUnits: units.filter((u) => u.parentId === unitId && u.closedAt === undefined).map((u) => u.id),
    people: people.filter((p) => p.active && (p.unitId === unitId || p.grants.some((g) => g.unitId === unitId))),
  };
}
