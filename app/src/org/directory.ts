import {
  rosterView,
  verifySignedRoster,
  type P256PublicJwk,
  type Roster,
  type RosterView,
  type SignedRoster,
} from '@seal/shared';
import type { UnitView as Unit } from '@seal/shared';

/**
 * The organisation as this device last saw it: who is who (the roster the organisation key
 * signed: names, roles and scopes, passkeys) and the unit tree with its names. Kept in the local
 * store so that offline screens still show names, and approvers can be counted offline with the
 * same rules the server and the seal device use.
 */
export interface Directory {
  readonly signedRoster: SignedRoster;
  /** The verified roster. */
  readonly roster: Roster;
  /** The org key that signed it (public JWK): a later roster must be signed by the same key. */
  readonly orgPublicJwk: P256PublicJwk;
  /** Units with their names (the roster leaves names out). */
  readonly units: readonly Unit[];
  /** When this copy was fetched from the server. */
  readonly fetchedAt: number;
}

/** What a fetched directory came to. */
export type DirectoryCheck =
  | { readonly ok: true; readonly directory: Directory }
  | { readonly ok: false; readonly code: string; readonly message: string };

/**
 * Checks a freshly fetched roster against the org key — and, when one is held, against the
 * held copy: same org key, and never an older version (a replayed old roster would bring back
 * revoked passkeys and lost roles).
 */
export async function checkDirectory(
  fetched: { signedRoster: unknown; orgPublicJwk: P256PublicJwk; units: readonly Unit[]; fetchedAt: number },
  held: Directory | undefined,
): Promise<DirectoryCheck> {
  if (held !== undefined && JSON.stringify(held.orgPublicJwk) !== JSON.stringify(fetched.orgPublicJwk)) {
    return { ok: false, code: 'org_key_mismatch', message: 'The server now presents another organisation key than this device knows' };
  }
  const verified = await verifySignedRoster(fetched.signedRoster, fetched.orgPublicJwk, { minVersion: held?.roster.version ?? 0 });
  if (!verified.ok) return { ok: false, code: verified.error.code, message: verified.error.message };
  return {
    ok: true,
    directory: { signedRoster: fetched.signedRoster as SignedRoster, roster: verified.value, orgPublicJwk: fetched.orgPublicJwk, units: fetched.units, fetchedAt: fetched.fetchedAt },
  };
}

/** A directory read back from the local store, if it still has the expected shape. */
export function parseHeldDirectory(value: unknown): Directory | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const d = value as Partial<Directory>;
  const ok = d.signedRoster !== undefined && d.roster !== undefined && d.orgPublicJwk !== undefined && Array.isArray(d.units) && typeof d.fetchedAt === 'number';
  return ok ? (d as Directory) : undefined;
}

/**
 * The directory as the domain reads it: the roster's users and unit tree (`rosterView`, the one
 * reading the server and the seal device use too, so approvers are counted alike offline), with
 * the units' names from the unit list.
 */
export function directoryView(directory: Directory): RosterView {
  return rosterView(directory.roster, new Map(directory.units.map((u) => [u.id, u.name])));
}
