import { z } from 'zod';

/**
 * What a request asks for, as routes tell them apart: `use` (a use request, 用印申请), or one of
 * the governance actions on a seal's life and record (see `governance.ts`).
 */
export const governanceActionSchema = z.enum([
  'create', 'rename', 'change_custodian', 'suspend', 'resume', 'report_lost', 'confiscate', 'revoke', 'destroy',
]);
export type GovernanceAction = z.infer<typeof governanceActionSchema>;
export const GOVERNANCE_ACTIONS: readonly GovernanceAction[] = governanceActionSchema.options;

export const routePurposeSchema = z.enum(['use', ...governanceActionSchema.options]);
export type RoutePurpose = z.infer<typeof routePurposeSchema>;
