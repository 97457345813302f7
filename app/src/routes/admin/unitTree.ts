import type { SessionView as Session, UnitView as Unit } from '@seal/shared';
import { unitsCoveredBy } from '../../auth/roles';

export interface UnitRow {
  readonly unit: Unit;
  /** 0 for the HQ, 1 for the units under it, … */
  readonly depth: number;
}

const KIND_ORDER = { hq: 0, branch: 1, site: 2 } as const;

/**
 * The units in tree order (each unit followed by its subtree; branches before sites, then by
 * creation), with their depth. Units whose parent is missing are listed last, at depth 0, so a
 * broken tree is still shown whole.
 */
export function unitTreeRows(units: readonly Unit[]): UnitRow[] {
  const children = new Map<string | null, Unit[]>();
  const ids = new Set(units.map((u) => u.id));
  for (const unit of units) {
    const parent = unit.parentId !== null && ids.has(unit.parentId) ? unit.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), unit]);
  }
  for (const list of children.values()) {
    list.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.createdAt - b.createdAt || a.name.localeCompare(b.name));
  }
  const rows: UnitRow[] = [];
  const seen = new Set<string>();
  const visit = (unit: Unit, depth: number): void => {
    if (seen.has(unit.id)) return;
    seen.add(unit.id);
    rows.push({ unit, depth });
    for (const child of children.get(unit.id) ?? []) visit(child, depth + 1);
  };
  for (const root of children.get(null) ?? []) visit(root, 0);
  // Cycles leave units unreached from any root: show them rather than lose them.
  for (const unit of units) visit(unit, 0);
  return rows;
}

/** The tree's rows an administrator may pick (the units their admin grants cover), in tree order. */
export function adminUnitRows(session: Session, units: readonly Unit[] | undefined): UnitRow[] {
  const covered = new Set(unitsCoveredBy(session, 'admin', units ?? []).map((u) => u.id));
  return unitTreeRows(units ?? []).filter((row) => covered.has(row.unit.id));
}
