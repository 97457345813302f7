import type { Role, User } from '@seal/shared';

/** The signed-in user (as the session names them) as the domain's policy takes a user. */
export function actorFromSession(user: { readonly id: string; readonly name: string; readonly unitId: string; readonly grants: readonly { readonly role: Role; readonly unitId: string }[]; readonly active: boolean }): User {
  return { id: user.id, name: user.name, unitId: user.unitId, grants: user.grants.map((g) => ({ role: g.role, unitId: g.unitId })), active: user.active } as User;
}
