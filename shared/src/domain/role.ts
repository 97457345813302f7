import { z } from 'zod';
import { unitIdSchema } from './ids';

/**
 * Roles (the same names as the roster's `rosterRoleSchema`):
 * - `admin` — system administrator: the organisation tree, accounts, roles; never stamps or approves.
 * - `custodian` — 印章管理员: makes, binds, suspends, revokes and destroys seals; provisions devices.
 * - `approver` — approves or rejects use requests (with a passkey).
 * - `staff` — applies for seals and, holding a grant, stamps.
 * - `auditor` — reads logs, reports and exports; changes nothing.
 */
export const roleSchema = z.enum(['admin', 'custodian', 'approver', 'staff', 'auditor']);
export type Role = z.infer<typeof roleSchema>;

/** Every role, in a fixed order (for tables and tests). */
export const ROLES: readonly Role[] = roleSchema.options;

/** A role held on a unit and, through it, on the unit's whole subtree. */
export const roleGrantSchema = z.object({ role: roleSchema, unitId: unitIdSchema });
export type RoleGrant = z.infer<typeof roleGrantSchema>;
