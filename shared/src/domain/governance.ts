import { z } from 'zod';
import { approvalRouteSchema } from './approvalRoute';
import { recordIdOf } from './governanceIds';
import { sealIdSchema, unitIdSchema, userIdSchema } from './ids';
import { millisSchema, reasonSchema } from './primitives';
import { governanceActionSchema, type GovernanceAction } from './routePurpose';
import { sealStatusSchema, type SealStatus } from './seal';
import { verdictSchema } from './decision';
import { webAuthnAssertionSchema } from './webAuthnAssertion';

export { governanceActionSchema, type GovernanceAction } from './routePurpose';

/** A governance request's id. */
export const governanceRequestIdSchema = recordIdOf('GovernanceRequestId');
export type GovernanceRequestId = z.infer<typeof governanceRequestIdSchema>;

/** The lifecycle moves among the governance actions, and the status each leads to. */
export const GOVERNANCE_MOVES: Readonly<Partial<Record<GovernanceAction, SealStatus>>> = {
  create: 'active',
  suspend: 'suspended',
  resume: 'active',
  report_lost: 'lost',
  confiscate: 'confiscated',
  revoke: 'revoked',
  destroy: 'destroyed',
};

/** The status a governance action moves a seal to (`create`: its first move, `null → active`), or `undefined` for the actions that move none (rename, change of custodian). */
export const governanceTarget = (action: GovernanceAction): SealStatus | undefined => GOVERNANCE_MOVES[action];

/**
 * Whether an action takes effect as soon as it is asked for, before its review. Only a report of
 * loss: a seal that may be in a stranger's hands is stopped at once (an urgent suspension), and
 * its review confirms the report or not — a wrong report is undone by the reviewed `resume`
 * (lost → active), never by quietly dropping the report (ADR 009).
 */
export const takesEffectAtOnce = (action: GovernanceAction): boolean => action === 'report_lost';

/**
 * What a governance request proposes: the move (`from` the status when asked, `to`, and
 * `fromMoveId`, the seal's last lifecycle move when asked — `null` when it had none), or the
 * record's new name / custodian. Its approvers sign all of it: a move approved from one state of
 * the seal is never made from another that merely has the same status.
 */
export const governanceProposalSchema = z.strictObject({
  from: sealStatusSchema.nullable().optional(),
  to: sealStatusSchema.optional(),
  fromMoveId: z.string().min(1).max(512).nullable().optional(),
  name: z.string().min(1).max(200).optional(),
  custodianId: userIdSchema.optional(),
});
export type GovernanceProposal = z.infer<typeof governanceProposalSchema>;

/** Where a governance request stands. `applied`: approved and carried out; `rejected`: vetoed by an approver. */
export const governanceStateSchema = z.enum(['pending', 'applied', 'rejected', 'failed']);
export type GovernanceState = z.infer<typeof governanceStateSchema>;

const GOVERNANCE_DECISION_PURPOSE = 'seal-governance-decision';

/**
 * What an approver of a governance request signs with their passkey (its `hashRecord` is the
 * WebAuthn challenge, exactly as for a use request's decision): the request, who asked, the
 * seal, the action and the proposed change — so an approval can never be replayed for another
 * seal, another move or another proposal — and the verdict. `purpose` keeps it apart from every
 * other signed record.
 */
export const governanceDecisionPayloadSchema = z.strictObject({
  purpose: z.literal(GOVERNANCE_DECISION_PURPOSE),
  requestId: governanceRequestIdSchema,
  requesterId: userIdSchema,
  sealId: sealIdSchema,
  action: governanceActionSchema,
  proposal: governanceProposalSchema,
  verdict: verdictSchema,
});
export type GovernanceDecisionPayload = z.infer<typeof governanceDecisionPayloadSchema>;

/** A decision on a governance request as the server keeps it: the signed payload, the assertion, when it arrived. */
export const governanceDecisionSchema = z.strictObject({
  id: z.string().min(1).max(128),
  approverId: userIdSchema,
  payload: governanceDecisionPayloadSchema,
  assertion: webAuthnAssertionSchema,
  comment: z.string().max(2000).optional(),
  at: millisSchema,
});
export type GovernanceDecision = z.infer<typeof governanceDecisionSchema>;

/** A request to change a seal's life or record, reviewed by a route (ADR 009). */
export const governanceRequestSchema = z.strictObject({
  id: governanceRequestIdSchema,
  sealId: sealIdSchema,
  /** The seal's unit when asked (its scope). */
  unitId: unitIdSchema,
  action: governanceActionSchema,
  proposal: governanceProposalSchema,
  requesterId: userIdSchema,
  reason: reasonSchema,
  /** The route as it stood when the request was made: a later change of routes does not move an open request's goalposts. */
  route: approvalRouteSchema,
  createdAt: millisSchema,
  state: governanceStateSchema,
  decisions: z.array(governanceDecisionSchema).max(20),
  /** The lifecycle change the request made, once made (at once for a loss report). */
  appliedChangeId: z.string().max(512).optional(),
  settledAt: millisSchema.optional(),
});
export type GovernanceRequest = z.infer<typeof governanceRequestSchema>;

/** The payload an approver signs for a request and a verdict (canonical: no `undefined` member). */
export function governanceDecisionPayload(request: Pick<GovernanceRequest, 'id' | 'requesterId' | 'sealId' | 'action' | 'proposal'>, verdict: 'approve' | 'reject'): GovernanceDecisionPayload {
  const proposal = JSON.parse(JSON.stringify(request.proposal)) as GovernanceProposal;
  return { purpose: GOVERNANCE_DECISION_PURPOSE, requestId: request.id, requesterId: request.requesterId, sealId: request.sealId, action: request.action, proposal, verdict };
}

export type { SealStatus };

/** The governance action a lifecycle move is (`create` for a seal's first move): what its route is looked up by. */
export function governanceActionOfMove(from: SealStatus | null, to: SealStatus): GovernanceAction {
  if (from === null) return 'create';
  switch (to) {
    case 'active': return 'resume';
    case 'suspended': return 'suspend';
    case 'lost': return 'report_lost';
    case 'confiscated': return 'confiscate';
    case 'revoked': return 'revoke';
    case 'destroyed': return 'destroy';
  }
}

/** Where a seal's life cycle stands, as a governance move is judged against it: its status and its last applied move (`null`: none). */
export interface SealMoveState {
  readonly status: SealStatus | null;
  readonly lastMoveId: string | null;
}

/**
 * Why a governance request's lifecycle move no longer applies as its approvers signed it, or
 * `undefined` when it does (and for a rename or change of custodian, which move nothing). The
 * approvers sign the proposal `{ from, to, fromMoveId }` (`governanceDecisionPayload`): a move is
 * carried out only from the state of the seal it was asked from — the same status reached by the
 * same last move. A seal that moved meanwhile is not moved on the strength of approvals given for
 * another state, even one with the same status: a resume asked while the seal was suspended for
 * one reason does not lift a suspension made since for another (resumed and suspended again, or
 * lost and found and suspended). The request fails, and is asked again from where the seal is. A
 * request that does not record the move it was asked after (asked before the server recorded it)
 * is stale too: nobody can tell which suspension its approvers meant to lift.
 */
export function staleGovernanceMove(request: Pick<GovernanceRequest, 'id' | 'action' | 'proposal'>, state: SealMoveState): string | undefined {
  const to = governanceTarget(request.action);
  if (to === undefined) return undefined;
  const { from, to: proposedTo, fromMoveId } = request.proposal;
  if (from === undefined || proposedTo !== to) {
    return `request "${request.id}" (${request.action}) does not propose the move it makes (${from === undefined ? '?' : from ?? 'new'} → ${proposedTo ?? '?'}, expected → ${to})`;
  }
  if (from !== state.status) {
    return `request "${request.id}" was approved to move the seal ${from ?? 'new'} → ${to}, but the seal is ${state.status ?? 'not made'} now: ask again from where it is`;
  }
  if (fromMoveId === undefined) {
    return `request "${request.id}" does not record the seal's last move when it was asked, so the state its approvers signed cannot be told from today's: ask again from where the seal is`;
  }
  if (fromMoveId !== state.lastMoveId) {
    return `request "${request.id}" was approved to move the seal ${from ?? 'new'} → ${to} after its move "${fromMoveId ?? 'none'}", but the seal has moved since (its last move is "${state.lastMoveId ?? 'none'}", ${state.status ?? 'not made'} again): ask again from where it is`;
  }
  return undefined;
}

/** The governance actions that edit a seal's record rather than move it. */
export type RecordEditAction = Extract<GovernanceAction, 'rename' | 'change_custodian'>;

/**
 * The governance actions an edit of a seal's record amounts to: `rename` when its name changes,
 * `change_custodian` when its custodian does (either, both or none). What the app asks a route
 * for before it edits a seal, and what the server judges a pushed edit of a seal by (ADR 009).
 */
export function sealEditActions(before: { readonly name?: unknown; readonly custodianId?: unknown }, after: { readonly name?: unknown; readonly custodianId?: unknown }): RecordEditAction[] {
  const actions: RecordEditAction[] = [];
  if (before.name !== after.name) actions.push('rename');
  if (before.custodianId !== after.custodianId) actions.push('change_custodian');
  return actions;
}
