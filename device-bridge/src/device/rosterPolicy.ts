import type { GrantSeal, Roster, RosterUser } from '@seal/shared';
import type { SealBinding } from '../protocol/orgRecords';

/**
 * The roster and the seal binding as the shared grant rule takes them. The device judges a grant
 * with `judgeGrantEvidence` — the code the app runs when it issues a grant and the server runs
 * (inside `judgeGrant`) on every pushed grant — so all three refuse the same forged grants. The
 * server and the app additionally check what the device cannot: the request as it stands now
 * and the grant's content address.
 */

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
