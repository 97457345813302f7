import { subtreeIds, type Action, type UnitId } from '@seal/shared';
import type { UserDoc } from '../couch/model';
import { loadUnitTree, permission, requirePermission, type UnitTree } from '../auth/scope';
import type { DocRepo } from '../couch/docRepo';
import type { UnitDoc } from '../couch/model';
import { ApiError } from '../http/errors';
import type { DashboardScope } from './dashboard';

/** What a reader may see: the units (a subtree or the union of theirs), read from the current tree. */
export interface ReadScope {
  readonly unitId: string;
  readonly unitIds: ReadonlySet<string>;
  readonly allUnits: number;
  readonly tree: UnitTree;
}

/**
 * The units a reader sees for `action` (`log.read`, `report.view`, `export`): the subtree of
 * `unit` when given (403 unless they hold the action on it), otherwise every unit they hold it on.
 * The tree is read at query time, so a unit moved since its events were indexed is found where it
 * is now.
 */
export async function readScope(units: DocRepo<UnitDoc>, user: UserDoc, action: Action, unit: string | undefined): Promise<ReadScope> {
  const tree = await loadUnitTree(units);
  const byId = tree as ReadonlyMap<string, { readonly parentId: string | null }>;
  if (unit !== undefined) {
    if (!byId.has(unit)) throw new ApiError(404, 'not_found', `No unit "${unit}"`);
    requirePermission(user, action, { unitId: unit }, tree);
    return { unitId: unit, unitIds: subtreeIds(unit as UnitId, tree), allUnits: tree.size, tree };
  }
  const seen: string[] = [...tree.keys()].filter((id) => permission(user, action, { unitId: id }, tree).ok);
  if (seen.length === 0) throw new ApiError(403, 'forbidden', `To ${action === 'export' ? 'export' : 'read'} headquarters' log you need the permission ${action} on a unit, which you do not hold`);
  // The highest of them names the scope (the first whose parent is not seen too).
  const seenSet = new Set(seen);
  const top = seen.find((id) => !seenSet.has(byId.get(id)?.parentId ?? '')) ?? seen[0]!;
  return { unitId: top, unitIds: seenSet, allUnits: tree.size, tree };
}

/** The dashboard's buckets: each unit counts under the child of the scope unit it lies below (the scope unit for its own events). */
export function dashboardScope(scope: ReadScope): DashboardScope {
  const units = scope.tree as ReadonlyMap<string, { readonly parentId: string | null; readonly name?: string }>;
  const nameOf = (id: string): string => units.get(id)?.name ?? id;
  return {
    unitId: scope.unitId,
    unitIds: scope.unitIds,
    bucketOf(unitId) {
      if (unitId === scope.unitId) return { id: unitId, name: nameOf(unitId) };
      let id = unitId;
      for (let parent = units.get(id)?.parentId; parent && parent !== scope.unitId; parent = units.get(id)?.parentId) id = parent;
      return { id, name: nameOf(id) };
    },
  };
}
