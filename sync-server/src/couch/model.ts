/**
 * The documents the sync-server keeps in CouchDB, one logical database per kind. Times are
 * integer milliseconds since the Unix epoch; bytes are base64url strings.
 */

import type { Geofence, Role, RoleGrant, UnitKind } from '@seal/shared';

/** `users/<userId>`: the domain's `User` plus what sign-in needs. */
export interface UserDoc {
  readonly type: 'user';
  readonly id: string;
  readonly name: string;
  /** Home unit (where the invitation placed them). */
  readonly unitId: string;
  /** Roles, each on a unit and through it on the unit's subtree. */
  readonly grants: readonly RoleGrant[];
  /** A deactivated user keeps the record (history names them) but can do nothing. */
  readonly active: boolean;
  readonly deactivatedAt?: number;
  /**
   * Sessions opened at or before this time are over: set by each deactivation and kept through a
   * reactivation, so a reactivation never brings back a session the deactivation had not yet
   * ended in the store (its follow-ups cut short, or overtaken by the reactivation).
   */
  readonly sessionsFrom?: number;
  /**
   * Set by the commit that deactivates, removed once what a deactivation sets off (sessions ended,
   * requests withdrawn, certificates revoked, the withdrawals recorded) is all done: see
   * `sync/deactivation.ts`. `at` is `deactivatedAt`; `by`, who deactivated.
   */
  readonly followUpsOwed?: { readonly at: number; readonly by: { readonly userId: string; readonly credentialId?: string } };
  /** WebAuthn user handle (base64url of 16 random bytes), what discoverable passkeys return. */
  readonly webauthnUserId: string;
  readonly createdAt: number;
}

/** `units/<unitId>`: the domain's `OrgUnit` (HQ at the root, branches, sites with a geofence). */
export interface UnitDoc {
  readonly type: 'unit';
  readonly id: string;
  readonly name: string;
  readonly kind: UnitKind;
  readonly parentId: string | null;
  readonly geofence?: Geofence;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Closed: kept in the tree for history, takes no new people, units or seals. */
  readonly closedAt?: number;
}

export type { Role, RoleGrant };

/** `credentials/cred:<credentialId>`: one passkey of one user. */
export interface CredentialDoc {
  readonly type: 'credential';
  /** base64url credential id, as the authenticator returns it. */
  readonly id: string;
  readonly userId: string;
  /** COSE_Key (base64url), what @simplewebauthn verifies with. */
  readonly publicKey: string;
  /** The same key as a P-256 JWK {kty, crv, x, y}, what the roster carries. */
  readonly jwk: { readonly kty: 'EC'; readonly crv: 'P-256'; readonly x: string; readonly y: string };
  readonly counter: number;
  readonly transports: readonly string[];
  readonly label: string;
  readonly createdAt: number;
  readonly lastUsedAt?: number;
  readonly revokedAt?: number;
  readonly revokedBy?: string;
}

/** `sessions/<sha256(token)>`: a signed-in browser. The token itself is never stored. */
export interface SessionDoc {
  readonly type: 'session';
  readonly userId: string;
  readonly credentialId: string;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  /** Absolute end, whatever the activity. */
  readonly expiresAt: number;
  /** End if no request arrives before it; moved forward as the session is used. */
  readonly idleExpiresAt: number;
  readonly revokedAt?: number;
}

/** Why a WebAuthn challenge was issued; a challenge only completes the ceremony it began. */
export type ChallengePurpose = 'setup' | 'invitation' | 'login' | 'add-passkey';

/** `challenges/ch:<challenge>`: a WebAuthn challenge, consumed once. */
export interface ChallengeDoc {
  readonly type: 'challenge';
  readonly purpose: ChallengePurpose;
  readonly expiresAt: number;
  readonly consumedAt?: number;
  /** For registrations: who the new passkey will belong to. */
  readonly userId?: string;
  readonly webauthnUserId?: string;
  readonly displayName?: string;
  /** For setup: the setup code it was issued under, and the name of the root unit to create. */
  readonly setupCodeHash?: string;
  readonly rootUnitName?: string;
  /** For an invitation: the invitation it was issued under. */
  readonly invitationId?: string;
}

/** `invitations/<sha256(code)>`: a single-use code that lets one person register. */
export interface InvitationDoc {
  readonly type: 'invitation';
  readonly unitId: string;
  readonly roles: readonly Role[];
  readonly note: string;
  readonly createdBy: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly usedAt?: number;
  readonly usedBy?: string;
  readonly revokedAt?: number;
}

/** `meta/setup`: the first-start bootstrap. */
export interface SetupDoc {
  readonly type: 'setup';
  readonly state: 'pending' | 'done';
  readonly codeHash: string;
  readonly issuedAt: number;
  readonly doneAt?: number;
  readonly adminUserId?: string;
  readonly rootUnitId?: string;
}

/** `meta/roster`: the roster's monotonic version, bumped on every change to who may sign. */
export interface RosterVersionDoc {
  readonly type: 'roster-version';
  readonly version: number;
  readonly changedAt: number;
}

/** Who did something: a user (with the passkey of their session) or the server itself. */
export type Actor = { readonly userId: string; readonly credentialId?: string } | { readonly system: true };

/** `audit/audit:<seq>`: one append-only record, chained to the previous by hash. */
export interface AuditRecord {
  readonly type: 'audit';
  readonly seq: number;
  readonly at: number;
  readonly actor: Actor;
  readonly action: string;
  readonly target: { readonly kind: string; readonly id: string };
  /** The unit concerned, for scoping who may read the record. */
  readonly unitId: string | null;
  readonly before: unknown;
  readonly after: unknown;
  /** The journalled change this record is part of (see `ChangeJournal`); absent on older records. */
  readonly change?: string;
  readonly prevHash: string;
  /** SHA-256 hex of the canonical record without `hash`, `_id` and `_rev`. */
  readonly hash: string;
}
