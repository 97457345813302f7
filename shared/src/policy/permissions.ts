import type { Role } from '../domain/role';
import type { Action } from './action';

/**
 * What else a role's grant must satisfy, beyond scope. Every rule includes scope: the grant's
 * unit subtree must contain the target's unit.
 * - `scope` — nothing more.
 * - `own_request` — the actor is the request's requester.
 * - `not_requester` — the actor is NOT the request's requester (nobody decides their own request).
 * - `grant_holder` — the actor is the holder named in the grant.
 * - `lifecycle` — the move is in `SEAL_TRANSITIONS` and lists this role (and, where the rule says
 *   so, the actor is not the seal's own custodian).
 */
export type PermissionRule = 'scope' | 'own_request' | 'not_requester' | 'grant_holder' | 'lifecycle';

/**
 * The role × action matrix, as data: `PERMISSIONS[action][role]` is the rule under which `role`
 * may do `action`; a missing entry means never. Separation of duties is visible here: the admin
 * runs the system but neither decides nor stamps; the custodian keeps seals but does not apply
 * for or stamp with them as custodian; auditors read and export and change nothing.
 */
export const PERMISSIONS: Readonly<Record<Action, Readonly<Partial<Record<Role, PermissionRule>>>>> = {
  'unit.manage': { admin: 'scope' },
  'user.invite': { admin: 'scope' },
  'user.manage': { admin: 'scope' },
  'role.grant': { admin: 'scope' },
  'seal.create': { admin: 'scope', custodian: 'scope' },
  'seal.update': { admin: 'scope', custodian: 'scope' },
  'seal.transition': { admin: 'lifecycle', custodian: 'lifecycle' },
  'seal.bind_device': { admin: 'scope', custodian: 'scope' },
  'device.provision': { admin: 'scope', custodian: 'scope' },
  'device.bind': { admin: 'scope', custodian: 'scope' },
  'request.create': { staff: 'scope' },
  'request.cancel': { admin: 'scope', staff: 'own_request' },
  'request.decide': { approver: 'not_requester' },
  'stamp.perform': { staff: 'grant_holder' },
  'log.read': { admin: 'scope', custodian: 'scope', auditor: 'scope' },
  'report.view': { admin: 'scope', custodian: 'scope', auditor: 'scope' },
  export: { admin: 'scope', auditor: 'scope' },
  'alarm.acknowledge': { admin: 'scope', custodian: 'scope' },
  'case.review': { admin: 'scope', custodian: 'scope', auditor: 'scope' },
  'sheet.file': { admin: 'scope', custodian: 'scope', staff: 'scope' },
};
