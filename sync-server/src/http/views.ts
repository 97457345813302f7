import type { CredentialView, InvitationView, UnitView, UserView } from '@seal/shared';
import type { CredentialDoc, UnitDoc, UserDoc } from '../couch/model';
import type { Invitation } from '../couch/invitationsRepo';

/** A user as the API shows it. */
export const userView = (user: UserDoc): UserView => ({
  id: user.id,
  name: user.name,
  unitId: user.unitId,
  grants: user.grants.map((g) => ({ role: g.role, unitId: g.unitId })),
  active: user.active,
  createdAt: user.createdAt,
  ...(user.deactivatedAt === undefined ? {} : { deactivatedAt: user.deactivatedAt }),
});

/** A passkey as the API shows it (its public key is in the roster). */
export const credentialView = (c: CredentialDoc): CredentialView => ({
  id: c.id,
  userId: c.userId,
  label: c.label,
  transports: [...c.transports],
  createdAt: c.createdAt,
  ...(c.lastUsedAt === undefined ? {} : { lastUsedAt: c.lastUsedAt }),
  ...(c.revokedAt === undefined ? {} : { revokedAt: c.revokedAt, revokedBy: c.revokedBy }),
});

/** A unit as the API shows it. */
export const unitView = (u: UnitDoc): UnitView => ({
  id: u.id,
  name: u.name,
  kind: u.kind,
  parentId: u.parentId,
  ...(u.geofence === undefined ? {} : { geofence: u.geofence }),
  createdAt: u.createdAt,
  updatedAt: u.updatedAt,
  ...(u.closedAt === undefined ? {} : { closedAt: u.closedAt }),
});

/** An invitation as the API shows it (never the code: only its hash is stored). */
export const invitationView = (i: Invitation, now: number): InvitationView => ({
  id: i.id,
  unitId: i.unitId,
  roles: [...i.roles],
  note: i.note,
  createdBy: i.createdBy,
  createdAt: i.createdAt,
  expiresAt: i.expiresAt,
  state: i.revokedAt !== undefined ? 'revoked' : i.usedAt !== undefined ? 'used' : i.expiresAt <= now ? 'expired' : 'open',
  ...(i.usedAt === undefined ? {} : { usedAt: i.usedAt, usedBy: i.usedBy }),
});
