import {
  checkApprovals,
  decisionIdSchema,
  err,
  ok,
  userIdSchema,
  verifyAssertionWithRoster,
  type AssertionFields,
  type Decision,
  type Refusal,
  type Result,
  type Roster,
  type User,
} from '@seal/shared';
import { approvedPayload, approvedRequest } from '../protocol/grantWire';
import type { GrantEvidence } from '../protocol/messages';
import type { SealBinding } from '../protocol/orgRecords';
import { bindingSeal, bindingUnits } from './rosterPolicy';

export type ApprovalRefusalCode = 'approval_invalid' | 'approver_unknown' | 'approver_revoked' | 'approver_not_entitled' | 'insufficient_approvals';

/**
 * The approvals, offline: each assertion verifies against the installed roster over the
 * decision payload rebuilt from the grant (`approval_invalid` when forged or over other terms,
 * `approver_unknown`, `approver_revoked`); then the shared `checkApprovals` judges the signers
 * with the roster's roles and the binding's route, seal unit chain and custodian: enough
 * distinct entitled approvers, none the holder, not only the custodian
 * (`approver_not_entitled` when a signer lacks the authority and too few remain,
 * `insufficient_approvals` otherwise).
 */
export async function checkApprovalsOffline(
  roster: Roster,
  users: readonly User[],
  binding: SealBinding,
  evidence: GrantEvidence,
  approvals: readonly AssertionFields[],
): Promise<Result<readonly string[], Refusal<ApprovalRefusalCode>>> {
  const payload = approvedPayload(evidence);
  const decisions: Decision[] = [];
  // Independent signatures: verified together (WebCrypto may use several cores), judged in order.
  const outcomes = await Promise.all(approvals.map((assertion) => verifyAssertionWithRoster({ assertion, expected: { record: payload } }, roster)));
  for (const [i, assertion] of approvals.entries()) {
    const verified = outcomes[i]!;
    if (!verified.ok) {
      const { code, message } = verified.error;
      const mapped = code === 'revoked_credential' ? 'approver_revoked' : code === 'unknown_credential' ? 'approver_unknown' : 'approval_invalid';
      return err({ code: mapped, message: `approval ${i}: ${code}: ${message}` });
    }
    const approverId = userIdSchema.safeParse(verified.value.userId);
    if (!approverId.success) return err({ code: 'approver_unknown', message: `approval ${i}: roster user id "${verified.value.userId}" is not a valid user id` });
    decisions.push({ id: decisionIdSchema.parse(`approval-${i}`), approverId: approverId.data, payload, assertion, at: 0 });
  }
  const check = checkApprovals(binding.route, approvedRequest(evidence), bindingSeal(binding), decisions, users, bindingUnits(binding));
  if (check.outcome === 'approved') return ok(check.approvedBy);
  const unentitled = check.ignored.find((i) => i.reason !== 'stale_terms' && i.reason !== 'other_request');
  if (unentitled !== undefined) return err({ code: 'approver_not_entitled', message: `"${unentitled.approverId}": ${unentitled.reason}: ${unentitled.message}` });
  const why = check.needsNonCustodian ? 'an approver other than the seal custodian is needed' : `${check.missing} more approval(s) needed (route: ${binding.route.minApprovals})`;
  return err({ code: 'insufficient_approvals', message: why });
}
