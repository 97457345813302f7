import type { Role, SessionView as Session, UnitView as Unit } from '@seal/shared';

/** Whether the session's user holds `role` on any unit. */
export const holdsRole = (session: Session | null | undefined, role: Role): boolean =>
  session?.user.grants.some((g) => g.role === role) ?? false;

/**
 * Units a user may act on with `role`: each unit they hold it on and everything below it
 * (roles cover subtrees), in the order `units` lists them.
 */
export function unitsCoveredBy(session: Session | null | undefined, role: Role, units: readonly Unit[]): Unit[] {
  const roots = new Set(session?.user.grants.filter((g) => g.role === role).map((g) => g.unitId) ?? []);
  const parent = new Map(units.map((u) => [u.id, u.parentId]));
  const covered = (id: string): boolean => {
    // Bounded walk up: a malformed tree with a cycle cannot hang the page.
    let current: string | null | undefined = id;
    for (let steps = 0; current && steps <= units.length; steps++) {
      if (roots.has(current)) return true;
      current = parent.get(current);
    }
    return false;
  };
  return units.filter((u) => covered(u.id));
}
