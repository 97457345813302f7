/**
 * What the sync-server's API returns (sync-server/src/http/views.ts), as the app reads it.
 * Times are milliseconds since the Unix epoch.
 */
export type Role = 'admin' | 'custodian' | 'approver' | 'staff' | 'auditor';

/** Every role, in the order forms list them. */
export const ROLES: readonly Role[] = ['admin', 'custodian', 'approver', 'staff', 'auditor'];

export type UnitKind = 'hq' | 'branch' | 'site';

export interface RoleGrant {
  readonly role: Role;
  readonly unitId: string;
}

export interface User {
  readonly id: string;
  readonly name: string;
  readonly unitId: string;
  readonly grants: readonly RoleGrant[];
  readonly active: boolean;
  readonly createdAt: number;
}

export interface Session {
  readonly user: User;
  /** The passkey this session was opened with. */
  readonly credentialId: string;
  readonly expiresAt: number;
  readonly idleExpiresAt: number;
}

export interface Credential {
  readonly id: string;
  readonly userId: string;
  readonly label: string;
  readonly transports: readonly string[];
  readonly createdAt: number;
  readonly lastUsedAt?: number;
  readonly revokedAt?: number;
  readonly revokedBy?: string;
}

export interface Geofence {
  readonly lat: number;
  readonly lon: number;
  readonly radiusM: number;
}

export interface Unit {
  readonly id: string;
  readonly name: string;
  readonly kind: UnitKind;
  readonly parentId: string | null;
  readonly geofence?: Geofence;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type InvitationState = 'open' | 'used' | 'expired' | 'revoked';

export interface Invitation {
  readonly id: string;
  readonly unitId: string;
  readonly roles: readonly Role[];
  readonly note: string;
  readonly createdBy: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly state: InvitationState;
  readonly usedAt?: number;
  readonly usedBy?: string;
}

/** What an invitation code is for, as `POST /api/invitations/check` tells the invitee. */
export interface InvitationPreview {
  readonly unit: {
    readonly id: string;
    readonly name: string;
    readonly kind: UnitKind;
    /** Names from headquarters down to this unit itself: `['HQ', 'Branch', 'Site']`. */
    readonly path: readonly string[];
  };
  readonly roles: readonly Role[];
  readonly expiresAt: number;
}
