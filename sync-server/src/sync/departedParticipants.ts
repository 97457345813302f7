import type { Cancellation, Decision, Roster, RosterUser } from '@seal/shared';

/**
 * The roster with everyone who took part in a request's held facts and is no longer in it: each
 * approver or rejecter as an approver of the seal's unit, each withdrawer as an administrator of
 * the request's unit. The server judged every such fact when it took it (a decision's passkey
 * signature and role against the roster of the time; a cancellation by the requester or an
 * administrator in scope), so judging the request again today — for `/verify`, for a
 * countersignature — counts an approval, a veto or a withdrawal by someone who has left since as
 * it counted then, rather than dropping it (a veto dropped would approve a rejected request).
 * Their passkeys are not added: a signature of theirs is not shown as verified.
 */
export function rosterWithDeparted(roster: Roster, held: { readonly decisions: readonly Decision[]; readonly cancellations: readonly Cancellation[]; readonly sealUnitId: string; readonly requestUnitId: string }): Roster {
  const known = new Set(roster.users.map((u) => u.id));
  const departed = new Map<string, RosterUser['roles']>();
  const add = (userId: string, role: 'approver' | 'admin', unitId: string): void => {
    if (known.has(userId)) return;
    const roles = departed.get(userId) ?? [];
    if (!roles.some((r) => r.role === role && r.unitId === unitId)) roles.push({ role, unitId });
    departed.set(userId, roles);
  };
  for (const d of held.decisions) add(d.approverId, 'approver', held.sealUnitId);
  for (const c of held.cancellations) add(c.actorId, 'admin', held.requestUnitId);
  if (departed.size === 0) return roster;
  return { ...roster, users: [...roster.users, ...[...departed].map(([id, roles]) => ({ id, displayName: id, roles, credentials: [] }))] };
}
