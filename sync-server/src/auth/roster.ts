import { signRoster, type Roster, type RosterUnit, type RosterUser, type SignedRoster } from '@seal/shared';
import type { Repositories } from '../couch/repositories';
import type { ServerConfig } from '../config';
import type { OrgKey } from './orgKey';

const byId = <T extends { id: string }>(a: T, b: T): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The current roster from the store: active users with their roles and unrevoked passkeys;
 * revoked passkeys, and every passkey of a deactivated user, under `revokedCredentials` so that
 * holders refuse them by id; the unit tree (ids, parents, kinds, geofences) so that holders can
 * judge a role's scope offline. The version is read FIRST: the data is then at least as new as
 * the version says, so a holder that keeps the highest version never keeps stale data.
 */
export async function buildRoster(repos: Repositories, config: ServerConfig, orgKey: OrgKey, now: number): Promise<Roster> {
  const version = await repos.meta.rosterVersion();
  const [users, credentials, units] = await Promise.all([repos.users.list(), repos.credentials.list(), repos.units.list()]);
  const active = new Map(users.filter((u) => u.active).map((u) => [u.id, u]));
  const deactivatedAt = new Map(users.filter((u) => !u.active).map((u) => [u.id, u.deactivatedAt ?? now]));
  const rosterUsers = new Map<string, RosterUser>(
    [...active.values()].map((u) => [u.id, { id: u.id, displayName: u.name, roles: u.grants.map((g) => ({ role: g.role, unitId: g.unitId })), credentials: [] }]),
  );
  const revokedCredentials: Roster['revokedCredentials'] = [];
  for (const c of [...credentials].sort(byId)) {
    const revokedAt = c.revokedAt ?? deactivatedAt.get(c.userId);
    if (revokedAt !== undefined) revokedCredentials.push({ id: c.id, revokedAt, userId: c.userId });
    else rosterUsers.get(c.userId)?.credentials.push({ id: c.id, publicKeyJwk: c.jwk, addedAt: c.createdAt });
  }
  return {
    version,
    issuedAt: now,
    orgKeyId: orgKey.keyId,
    users: [...rosterUsers.values()].sort(byId),
    revokedCredentials,
    units: units.sort(byId).map((u): RosterUnit => ({ id: u.id, parentId: u.parentId, kind: u.kind, ...(u.geofence ? { geofence: u.geofence } : {}) })),
    rpId: config.rpId,
    origins: [...config.origins],
  };
}

/**
 * The signed roster of the current version: the one archived for it, or {@link buildRoster}
 * signed with the organisation key and archived (the first server to archive a version wins), so
 * that every holder of a version holds the same bytes — the hash a device logs when it installs
 * it — and evidence can later show the roster in force when a decision was made. A version's
 * `issuedAt` is when it was first served, at or after the change that made it. Throws if the
 * store holds an invalid roster (a bug).
 */
export async function currentSignedRoster(repos: Repositories, config: ServerConfig, orgKey: OrgKey, now: number): Promise<SignedRoster> {
  const version = await repos.meta.rosterVersion();
  const archived = await repos.archive.roster(version);
  const current = archived !== undefined && archived.roster.orgKeyId === orgKey.keyId && archived.roster.rpId === config.rpId && archived.roster.origins.join('\n') === config.origins.join('\n');
  if (current) return archived;
  const signed = await signRoster(orgKey.privateKey, await buildRoster(repos, config, orgKey, now));
  if (!signed.ok) throw new Error(`the stored users and passkeys do not form a valid roster: ${signed.error.message}`);
  // A version built while a later change was written carries that later data: still at least as
  // new as its number says, and the next version is archived again.
  return archived === undefined ? repos.archive.keepRoster(signed.value) : signed.value;
}
