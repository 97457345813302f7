import { roleSchema, unitIdSchema, userIdSchema, type OrgUnit, type PhysicalSeal, type Roster, type RosterUser, type User } from '@seal/shared';
import type { SealBinding } from '../protocol/orgRecords';

/**
 * The roster and the seal binding seen as the domain's users, units and seal, so the device
 * judges approvals with the same `checkApprovals` the server and the app run.
 */

/**
 * Roster users as domain users: active (a deactivated user is dropped from the signed roster),
 * with their role grants. Entries whose ids are not valid record ids are left out — no valid
 * decision can name them.
 */
export function rosterUsers(roster: Roster): User[] {
  const users: User[] = [];
  for (const entry of roster.users) {
    const id = userIdSchema.safeParse(entry.id);
    if (!id.success) continue;
    const grants = entry.roles.flatMap((r) => {
      const unitId = unitIdSchema.safeParse(r.unitId);
      const role = roleSchema.safeParse(r.role);
      return unitId.success && role.success ? [{ role: role.data, unitId: unitId.data }] : [];
    });
    users.push({ id: id.data, name: entry.displayName || entry.id, unitId: grants[0]?.unitId ?? unitIdSchema.parse('unknown'), grants, active: true });
  }
  return users;
}

/** The roster user whose passkey `credentialId` is, if any. */
export const credentialOwner = (roster: Roster, credentialId: string): RosterUser | undefined =>
  roster.users.find((u) => u.credentials.some((c) => c.id === credentialId));

/** The seal's unit and its ancestors as a unit chain (all `isInSubtree` needs). */
export function bindingUnits(binding: SealBinding): OrgUnit[] {
  const path = binding.sealUnitPath;
  return path.map((id, i) => ({ id, name: id, kind: i === path.length - 1 ? 'hq' : 'branch', parentId: path[i + 1] ?? null }));
}

/** The bound seal as the domain sees it (only id, unit and custodian are read by the checks). */
export function bindingSeal(binding: SealBinding): PhysicalSeal {
  return {
    id: binding.sealId,
    name: binding.sealId,
    kind: binding.route.sealKind,
    unitId: binding.sealUnitPath[0]!,
    custodianId: binding.custodianId,
    status: 'active',
    createdAt: 0,
    form: 'physical',
    antiCounterfeitCode: '',
    deviceId: binding.deviceId,
  };
}
