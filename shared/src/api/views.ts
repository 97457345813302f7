import { z } from 'zod';
import { geofenceSchema } from '../domain/geo';
import { unitKindSchema } from '../domain/orgUnit';
import { roleSchema } from '../domain/role';

/**
 * The administrative records as the API shows them (sync-server/src/http/views.ts builds them),
 * made of the domain's schemas for roles, unit kinds and geofences. Times are integer
 * milliseconds since the Unix epoch. Objects are not strict: a client keeps what it knows of a
 * newer server's answer.
 */
const millis = z.int().nonnegative();
/** An id as the API carries it (the domain's branded ids are for records, not for screens). */
const id = z.string().min(1);

/** A role held on a unit and, through it, on the unit's subtree. */
export const roleGrantViewSchema = z.object({ role: roleSchema, unitId: id });
export type RoleGrantView = z.infer<typeof roleGrantViewSchema>;

export const userViewSchema = z.object({
  id,
  name: z.string(),
  /** Home unit (where the invitation placed them). */
  unitId: id,
  grants: z.array(roleGrantViewSchema),
  active: z.boolean(),
  createdAt: millis,
  deactivatedAt: millis.optional(),
});
export type UserView = z.infer<typeof userViewSchema>;

/** A passkey (its public key is in the roster). */
export const credentialViewSchema = z.object({
  id,
  userId: id,
  label: z.string(),
  transports: z.array(z.string()),
  createdAt: millis,
  lastUsedAt: millis.optional(),
  revokedAt: millis.optional(),
  revokedBy: id.optional(),
});
export type CredentialView = z.infer<typeof credentialViewSchema>;

/** A user with their passkeys, as administrators see them. */
export const userWithCredentialsSchema = userViewSchema.extend({ credentials: z.array(credentialViewSchema) });
export type UserWithCredentials = z.infer<typeof userWithCredentialsSchema>;

export const unitViewSchema = z.object({
  id,
  name: z.string(),
  kind: unitKindSchema,
  parentId: id.nullable(),
  geofence: geofenceSchema.optional(),
  createdAt: millis,
  updatedAt: millis,
  /** When the unit was closed: it stays in the tree (history names it) but takes no new people or units. */
  closedAt: millis.optional(),
});
export type UnitView = z.infer<typeof unitViewSchema>;

export const invitationStateSchema = z.enum(['open', 'used', 'expired', 'revoked']);
export type InvitationState = z.infer<typeof invitationStateSchema>;

/** An invitation (never its code: only its hash is stored). */
export const invitationViewSchema = z.object({
  id,
  unitId: id,
  roles: z.array(roleSchema),
  note: z.string(),
  createdBy: id,
  createdAt: millis,
  expiresAt: millis,
  state: invitationStateSchema,
  usedAt: millis.optional(),
  usedBy: id.optional(),
});
export type InvitationView = z.infer<typeof invitationViewSchema>;

/** What an invitation code is for, as `POST /api/invitations/check` tells the invitee. */
export const invitationPreviewSchema = z.object({
  unit: z.object({
    id,
    name: z.string(),
    kind: unitKindSchema,
    /** Names from headquarters down to this unit itself: `['HQ', 'Branch', 'Site']`. */
    path: z.array(z.string()),
  }),
  roles: z.array(roleSchema),
  expiresAt: millis,
});
export type InvitationPreview = z.infer<typeof invitationPreviewSchema>;

/** A signed-in session. */
export const sessionViewSchema = z.object({
  user: userViewSchema,
  /** The passkey this session was opened with. */
  credentialId: id,
  expiresAt: millis,
  idleExpiresAt: millis,
});
export type SessionView = z.infer<typeof sessionViewSchema>;
