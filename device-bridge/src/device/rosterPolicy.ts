import type { GrantSeal, OrgUnit, Roster, RosterUser } from '@seal/shared';
import type { SealBinding } from '../protocol/orgRecords';

/**
 * The roster and the seal binding as the shared grant rule takes them. The device judges a grant
 * with `judgeGrantEvidence` — the code the app runs when it issues a grant and the server runs
 * (inside `judgeGrant`) on every pushed grant — so all three refuse the same forged grants. The
 * server and the app additionally check what the device cannot: the request as it stands now
 * and the grant's content address.
 */

/** Roster users as domain users (shared: the app and the server read the roster the same way). */
export { rosterUsers } from '@seal/shared';

/** The roster user whose passkey `credentialId` is, if any. */
export const credentialOwner = (roster: Roster, credentialId: string): RosterUser | undefined =>
  roster.users.find((u) => u.credentials.some((c) => c.id === credentialId));

/** The bound seal as the grant rule sees it: the binding signs its device, route, custodian and unit. */
export const bindingGrantSeal = (binding: SealBinding): GrantSeal => ({
  sealId: binding.sealId,
  deviceId: binding.deviceId,
  route: binding.route,
  custodianId: binding.custodianId,
  unitId: binding.sealUnitPath[0]!,
});

/** The seal's unit and its ancestors, as the binding signs them, as a unit chain (all `isInSubtree` needs). */
export function bindingUnits(binding: SealBinding): OrgUnit[] {
  const path = binding.sealUnitPath;
  return path.map((id, i) => ({ id, name: id, kind: i === path.length - 1 ? 'hq' : 'branch', parentId: path[i + 1] ?? null }));
}
