import { z } from 'zod';
import { geofenceSchema } from '../domain/geo';
import { checkUnitTree } from '../domain/orgTree';
import { unitKindSchema } from '../domain/orgUnit';
import { base64UrlBytesSchema, p256PublicJwkSchema } from './p256PublicJwk';

/**
 * Roles a roster grants. Same names as the domain's roles (shared/src/domain). The roster reuses
 * only the domain's leaf modules (unit kinds, geofences, tree checks), which import nothing of
 * crypto; reconcile the two role lists by re-exporting one from the other.
 */
export const rosterRoleSchema = z.enum(['admin', 'custodian', 'approver', 'staff', 'auditor']);
export type RosterRole = z.infer<typeof rosterRoleSchema>;

const id = z.string().min(1);
// Bounded to what a JS Date can show, so messages can print it.
const timeMs = z.int().nonnegative().max(8_640_000_000_000_000);

/** A passkey registered to a user: its credential id (base64url) and public key. */
export const rosterCredentialSchema = z.object({
  id: base64UrlBytesSchema().refine((text) => text.length > 0, 'credential id is empty'),
  publicKeyJwk: p256PublicJwkSchema,
  addedAt: timeMs,
});
export type RosterCredential = z.infer<typeof rosterCredentialSchema>;

export const rosterUserSchema = z.object({
  id,
  displayName: z.string(),
  roles: z.array(z.object({ role: rosterRoleSchema, unitId: id })),
  credentials: z.array(rosterCredentialSchema),
});
export type RosterUser = z.infer<typeof rosterUserSchema>;

/**
 * A unit of the organisation tree as the roster carries it: enough for an offline verifier (the
 * app, a seal device) to tell whether a role held on one unit covers another, and where a site's
 * seals may be used. Names are left out: they change often and decide nothing.
 */
export const rosterUnitSchema = z.object({
  id,
  parentId: id.nullable(),
  kind: unitKindSchema,
  geofence: geofenceSchema.optional(),
});
export type RosterUnit = z.infer<typeof rosterUnitSchema>;

export const revokedCredentialSchema = z.object({ id: base64UrlBytesSchema(), revokedAt: timeMs, userId: id });
export type RevokedCredential = z.infer<typeof revokedCredentialSchema>;

/**
 * The roster: who may sign what, and with which passkeys. Issued and signed by the organisation
 * key; replicas and seal devices verify passkey assertions against it offline.
 *
 * Consistency (refused otherwise): user ids are unique; a credential id belongs to one user
 * only; a revoked credential is listed in no user's credentials; `units` form one tree (unique
 * ids, known parents, a single root, no cycles: the domain's `checkUnitTree`). `version` only
 * grows, and changes whenever any of this does (users, roles, passkeys, units and geofences): a
 * holder refuses a roster older than the one it has (see `verifySignedRoster`'s `minVersion`).
 */
export const rosterSchema = z
  .object({
    version: z.int().nonnegative(),
    issuedAt: timeMs,
    /** {@link jwkThumbprint} of the organisation public key that signs this roster. */
    orgKeyId: base64UrlBytesSchema(32),
    users: z.array(rosterUserSchema),
    revokedCredentials: z.array(revokedCredentialSchema),
    /** The organisation tree; roles' `unitId`s name these units. */
    units: z.array(rosterUnitSchema),
    rpId: z.string().min(1),
    origins: z.array(z.string().min(1)).min(1),
  })
  .superRefine((roster, ctx) => {
    const users = new Set<string>();
    const credentials = new Map<string, string>();
    roster.users.forEach((user, u) => {
      if (users.has(user.id)) ctx.addIssue({ code: 'custom', path: ['users', u, 'id'], message: `duplicate user id "${user.id}"` });
      users.add(user.id);
      user.credentials.forEach((credential, c) => {
        const owner = credentials.get(credential.id);
        if (owner !== undefined) {
          ctx.addIssue({ code: 'custom', path: ['users', u, 'credentials', c, 'id'], message: `credential "${credential.id}" is also listed under user "${owner}"` });
        }
        credentials.set(credential.id, user.id);
      });
    });
    roster.revokedCredentials.forEach((revoked, r) => {
      if (credentials.has(revoked.id)) {
        ctx.addIssue({ code: 'custom', path: ['revokedCredentials', r, 'id'], message: `revoked credential "${revoked.id}" is still listed under user "${credentials.get(revoked.id)}"` });
      }
    });
    const tree = checkUnitTree(roster.units);
    if (!tree.ok) ctx.addIssue({ code: 'custom', path: ['units'], message: `${tree.error.code}: ${tree.error.message}` });
  });
export type Roster = z.infer<typeof rosterSchema>;

/** A roster and the organisation key's signature (base64url raw P-256 `r ‖ s`) over its canonical form. */
export const signedRosterSchema = z.object({ roster: rosterSchema, signature: base64UrlBytesSchema(64) });
export type SignedRoster = z.infer<typeof signedRosterSchema>;
