import { refuse, ok, type Refusal, type Result } from '../result';
import type { OrgUnit, UnitKind } from './orgUnit';

/**
 * What the tree helpers read of a unit: its id and its parent. An {@link OrgUnit} is one; so is a
 * roster's unit (`RosterUnit`), whose ids are plain strings, and so is each link of a unit chain
 * (`chainUnits`), so an offline verifier walks the signed tree with the same helpers as the server.
 */
export interface TreeUnit {
  readonly id: string;
  readonly parentId: string | null;
}

/** A tree unit with its level, as `checkUnitTree` reads it. */
export interface KindedTreeUnit extends TreeUnit {
  readonly kind: UnitKind;
}

/** Units looked up by id. Build one with {@link indexUnits} when many lookups follow. */
export type UnitIndex<U extends TreeUnit = OrgUnit> = ReadonlyMap<U['id'], U>;

/** Units as a list (as stored) or already indexed. Every tree helper accepts either. */
export type Units<U extends TreeUnit = OrgUnit> = readonly U[] | UnitIndex<U>;

/** Indexes units by id (the first of duplicate ids wins; `checkUnitTree` reports duplicates). */
export function indexUnits<U extends TreeUnit = OrgUnit>(units: Units<U>): UnitIndex<U> {
  if (!Array.isArray(units)) return units as UnitIndex<U>;
  const index = new Map<U['id'], U>();
  for (const unit of units as readonly U[]) if (!index.has(unit.id)) index.set(unit.id, unit);
  return index;
}

/**
 * The ancestors of a unit, nearest first (parent, grandparent, …, HQ). Empty for the root or an
 * unknown unit. Stops at a missing parent or a cycle rather than looping: synced data may be
 * incomplete, and `checkUnitTree` is what reports it.
 */
export function ancestors<U extends TreeUnit = OrgUnit>(unitId: U['id'], units: Units<U>): U[] {
  const index = indexUnits(units);
  const result: U[] = [];
  const seen = new Set<string>([unitId]);
  let parentId = index.get(unitId)?.parentId ?? null;
  while (parentId !== null && !seen.has(parentId)) {
    const parent: U | undefined = index.get(parentId);
    if (parent === undefined) break;
    result.push(parent);
    seen.add(parentId);
    parentId = parent.parentId;
  }
  return result;
}

/**
 * Whether `unitId` is `rootId` itself or lies below it: the test behind every role's scope ("a
 * grant on a unit covers its whole subtree"). False when `unitId` is unknown.
 */
export function isInSubtree<U extends TreeUnit = OrgUnit>(unitId: U['id'], rootId: U['id'], units: Units<U>): boolean {
  const index = indexUnits(units);
  if (!index.has(unitId)) return false;
  return unitId === rootId || ancestors(unitId, index).some((unit) => unit.id === rootId);
}

/**
 * The unit and its ancestors, nearest first (`[unitId, parent, …, HQ]`): what decides whether a
 * role held somewhere covers the unit. Empty for a unit the tree does not list.
 */
export function unitChain<U extends TreeUnit = OrgUnit>(unitId: U['id'], units: Units<U>): U['id'][] {
  const index = indexUnits(units);
  return index.has(unitId) ? [unitId, ...ancestors(unitId, index).map((unit) => unit.id)] : [];
}

/**
 * A unit chain (a unit, then its ancestors: `unitChain`, or a seal binding's signed path) as the
 * units the tree helpers walk: each link's parent is the next link. Nothing is guessed: a chain
 * says nothing of kinds or names, and the helpers read neither.
 */
export function chainUnits<Id extends string>(chain: readonly Id[]): { readonly id: Id; readonly parentId: Id | null }[] {
  return chain.map((id, i) => ({ id, parentId: chain[i + 1] ?? null }));
}

/** The ids of `rootId` and every unit below it (what a replica scoped to that unit holds). */
export function subtreeIds<U extends TreeUnit = OrgUnit>(rootId: U['id'], units: Units<U>): Set<U['id']> {
  const index = indexUnits(units);
  const result = new Set<U['id']>();
  for (const id of index.keys()) if (isInSubtree(id, rootId, index)) result.add(id);
  return result;
}

/** Why a set of units is not a well-formed tree. */
export type UnitTreeRefusalCode = 'duplicate_unit' | 'no_root' | 'several_roots' | 'unknown_parent' | 'bad_parent_kind' | 'cycle';

const allowedParents: Record<UnitKind, readonly UnitKind[]> = {
  hq: [],
  branch: ['hq', 'branch'],
  site: ['hq', 'branch'],
};

/**
 * Checks tree-wide rules that one unit's schema cannot: ids are unique, there is exactly one HQ,
 * every parent exists and may have this child (a branch under the HQ or a branch; a site under
 * the HQ or a branch, never under a site), and following parents always reaches the HQ.
 */
export function checkUnitTree<U extends KindedTreeUnit = OrgUnit>(units: readonly U[]): Result<UnitIndex<U>, Refusal<UnitTreeRefusalCode>> {
  const index = new Map<U['id'], U>();
  for (const unit of units) {
    if (index.has(unit.id)) return refuse('duplicate_unit', `expected unique unit ids, got "${unit.id}" twice`);
    index.set(unit.id, unit);
  }
  const roots = units.filter((unit) => unit.parentId === null);
  if (roots.length === 0) return refuse('no_root', 'expected one HQ unit without a parent, got none');
  if (roots.length > 1) return refuse('several_roots', `expected one HQ unit without a parent, got ${roots.length}: ${roots.map((u) => `"${u.id}"`).join(', ')}`);
  for (const unit of units) {
    if (unit.parentId === null) continue;
    const parent = index.get(unit.parentId);
    if (parent === undefined) return refuse('unknown_parent', `expected the parent "${unit.parentId}" of unit "${unit.id}" to exist, got no such unit`);
    if (!allowedParents[unit.kind].includes(parent.kind)) {
      return refuse('bad_parent_kind', `expected a ${unit.kind} ("${unit.id}") under ${allowedParents[unit.kind].join(' or ')}, got it under a ${parent.kind} ("${parent.id}")`);
    }
  }
  const rootId = roots[0]!.id;
  for (const unit of units) {
    if (unit.id !== rootId && !ancestors(unit.id, index).some((a) => a.id === rootId)) {
      return refuse('cycle', `expected unit "${unit.id}" to reach the HQ "${rootId}" through its parents, got a cycle`);
    }
  }
  return ok(index);
}
