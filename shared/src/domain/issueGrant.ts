import type { Roster } from '../crypto/roster';
import { rosterView } from '../policy/rosterView';
import { err, ok, type Result } from '../result';
import type { ApprovalRoute } from './approvalRoute';
import { checkApprovals } from './checkApprovals';
import { withContentId } from './contentId';
import { decisionTerms, type Decision } from './decision';
import { grantBody, type Grant, type GrantBody } from './grant';
import type { GrantRefusal } from './grantRefusal';
import { grantSealOf } from './grantSeal';
import { judgeGrantEvidence, type GrantApproval } from './judgeGrantEvidence';
import type { Seal } from './seal';
import type { SealRecord } from '../sync/recordSchemas';
import type { UseRequest } from './useRequest';

/** What the app and the server hold that a grant is issued from and judged against. */
export interface GrantRecords {
  /** The request as it stands now. */
  readonly request: UseRequest;
  /** The request's seal (its status is not read: whether the request may still be stamped is `deriveRequestStatus`'s to say). */
  readonly seal: Seal | SealRecord;
  /** The roster that judges approvers: their passkeys, roles and the unit tree. */
  readonly roster: Roster;
  /** Custom approval routes (the defaults otherwise). */
  readonly routes?: readonly ApprovalRoute[];
}

/** A grant's decisions as the approvals `judgeGrantEvidence` judges. */
export const approvalsOf = (decisions: readonly Decision[]): GrantApproval[] =>
  decisions.map((d) => ({ label: `decision "${d.id}"`, payload: d.payload, assertion: d.assertion, approverId: d.approverId }));

/**
 * The grant body the records give for these decisions, before any signature is checked: the
 * route counted over all of them (`checkApprovals`: a counted reject vetoes, too few approvers
 * leave it pending), then the counted approvals — one per approver — on the request's terms
 * (`grantBody`: holder = requester, the request's uses, window and geofence, the seal's device).
 */
export function grantBodyFrom(records: GrantRecords, decisions: readonly Decision[]): Result<GrantBody, GrantRefusal> {
  const counted = countedApprovals(records, decisions);
  return counted.ok ? grantBody(records.request, counted.value.seal, counted.value.decisions) : counted;
}

/**
 * The decisions that meet the seal's route for the request (`checkApprovals` against the roster),
 * or why the route is not met: what a grant, device or electronic, is assembled from.
 */
export function countedApprovals(records: GrantRecords, decisions: readonly Decision[]): Result<{ seal: Seal; decisions: Decision[] }, GrantRefusal> {
  const { request, roster } = records;
  const seal: Seal = { status: 'active' as const, ...records.seal };
  const route = grantSealOf(seal, records.routes).route;
  const view = rosterView(roster);
  const check = checkApprovals({ terms: decisionTerms(request), route, sealUnitChain: view.unitChain(seal.unitId), custodianId: seal.custodianId, users: view.users }, decisions);
  if (check.outcome === 'rejected') return err({ code: 'grant_rejected', message: `expected an approved request, got "${request.id}" rejected by ${check.rejectedBy.join(', ')}` });
  if (check.outcome === 'pending') return err({ code: 'grant_insufficient_approvals', message: `expected the route of a ${route.sealKind} seal to be met, ${check.missing} approval(s) missing` });
  const counted = new Set<string>(check.countedDecisionIds);
  return ok({ seal, decisions: decisions.filter((d) => counted.has(d.id)) });
}

/**
 * Issues the grant of an approved request: the body `grantBodyFrom` gives, judged by the same
 * rule the seal device and the server apply (`judgeGrantEvidence`: signatures against the roster,
 * authority, route), with its content address. Deterministic: every replica holding the same
 * decisions and roster issues the same grant. A refusal says why no grant can be issued yet.
 *
 * The caller decides WHEN (the request is approved by `deriveRequestStatus`: not cancelled, seal
 * active, window open); this decides WHAT, and that it is valid.
 */
export async function issueGrant(records: GrantRecords, decisions: readonly Decision[]): Promise<Result<Grant, GrantRefusal>> {
  const body = grantBodyFrom(records, decisions);
  if (!body.ok) return body;
  const judged = await judgeGrantEvidence(body.value, approvalsOf(body.value.decisions), grantSealOf(records.seal, records.routes), records.roster);
  if (!judged.ok) return judged;
  return ok((await withContentId(body.value)) as Grant);
}
