import type { AssertionFields } from '../crypto/verifyAssertion';
import type { Roster } from '../crypto/roster';
import { verifyAssertionWithRoster } from '../crypto/verifyAssertionWithRoster';
import { rosterView } from '../policy/rosterView';
import { err, ok, type Result } from '../result';
import { checkApprovals } from './checkApprovals';
import { signedTerms, type Decision, type DecisionPayload } from './decision';
import type { GrantRefusal, GrantRefusalCode } from './grantRefusal';
import type { GrantSeal } from './grantSeal';
import { grantTermsRefusal, type GrantTerms } from './grantTermsRefusal';
import type { DecisionId, UserId } from './ids';

/** One approval a grant carries: the payload its approver signed, and the passkey assertion over it. */
export interface GrantApproval {
  /** How messages name it: the decision's id, or "approval 0" where approvals travel bare (the device). */
  readonly label: string;
  readonly payload: DecisionPayload;
  readonly assertion: AssertionFields;
  /** Who the grant says signed it (a decision's `approverId`); absent where approvals travel bare. */
  readonly approverId?: string;
}

/** A valid grant's approvers, as the roster named them. */
export interface GrantApproved {
  readonly approvedBy: readonly UserId[];
}

const SIGNATURE_CODES: Readonly<Record<string, GrantRefusalCode>> = {
  revoked_credential: 'grant_approver_revoked',
  unknown_credential: 'grant_approver_unknown',
};

/**
 * THE grant rule, as far as the grant, its approvals, the seal and the signed roster tell: what
 * the seal device checks offline, and what the app and the server run first when they judge or
 * issue a grant (`judgeGrant`, `issueGrant`), so all three decide alike.
 *
 * Valid when: the terms hold (`grantTermsRefusal`: seal, device, approvals only, all over the
 * grant's own terms, holder = requester); every approval's passkey assertion verifies against the
 * roster over its payload, by the approver it names; each approver appears once; and the seal
 * kind's route is met by approvers with authority over the seal's unit (`checkApprovals` with
 * the roster's users and unit tree: an approver role there, not the requester, not only the
 * custodian). Every approval must count: a grant carrying one that does not is refused, not
 * trimmed — issuing never puts one in.
 */
export async function judgeGrantEvidence(
  terms: GrantTerms,
  approvals: readonly GrantApproval[],
  seal: GrantSeal,
  roster: Roster,
): Promise<Result<GrantApproved, GrantRefusal>> {
  const termsRefusal = grantTermsRefusal(terms, approvals, seal);
  if (termsRefusal !== null) return err(termsRefusal);
  return judgeApprovals(approvals, seal, roster);
}

/**
 * The signed half of the grant rule, for any grant whose terms were checked (device grants by
 * `judgeGrantEvidence`, electronic grants by `judgeElectronicGrant`): every approval's passkey
 * assertion verifies against the roster, by the approver it names, each approver once, and the
 * seal kind's route is met by approvers with authority over the seal's unit.
 */
export async function judgeApprovals(
  approvals: readonly GrantApproval[],
  seal: Pick<GrantSeal, 'route' | 'custodianId' | 'unitId'>,
  roster: Roster,
): Promise<Result<GrantApproved, GrantRefusal>> {
  if (approvals.length === 0) return err({ code: 'grant_insufficient_approvals', message: 'expected approvals, got none' });
  // Independent signatures: verified together, judged in order.
  const verified = await Promise.all(approvals.map(({ assertion, payload }) => verifyAssertionWithRoster({ assertion, expected: { record: payload } }, roster)));
  const decisions: Decision[] = [];
  for (const [i, approval] of approvals.entries()) {
    const outcome = verified[i]!;
    if (!outcome.ok) {
      const code = SIGNATURE_CODES[outcome.error.code] ?? 'grant_approval_invalid';
      return err({ code, message: `${approval.label}: ${outcome.error.code}: ${outcome.error.message}` });
    }
    const signer = outcome.value.userId;
    if (approval.approverId !== undefined && approval.approverId !== signer) {
      return err({ code: 'grant_approval_invalid', message: `${approval.label} names approver "${approval.approverId}" but was signed with a passkey of "${signer}"` });
    }
    const twice = decisions.find((d) => d.approverId === signer);
    if (twice !== undefined) return err({ code: 'grant_duplicate_approver', message: `expected each approver once, got "${signer}" in ${twice.id} and ${approval.label}` });
    decisions.push({ id: approval.label as DecisionId, approverId: signer as UserId, payload: approval.payload, assertion: approval.assertion, at: 0 });
  }

  const view = rosterView(roster);
  const check = checkApprovals(
    { terms: signedTerms(approvals[0]!.payload), route: seal.route, sealUnitChain: view.unitChain(seal.unitId), custodianId: seal.custodianId, users: view.users },
    decisions,
  );
  const ignored = check.ignored[0];
  if (ignored !== undefined) return err({ code: 'grant_approver_not_entitled', message: `${ignored.decisionId} by "${ignored.approverId}": ${ignored.reason}: ${ignored.message}` });
  if (check.outcome !== 'approved') {
    const why = check.needsNonCustodian ? `an approver other than the seal's custodian "${seal.custodianId}"` : `${seal.route.minApprovals} distinct approvers, got ${check.approvedBy.length}`;
    return err({ code: 'grant_insufficient_approvals', message: `expected the route of a ${seal.route.sealKind} seal to be met: ${why}` });
  }
  return ok({ approvedBy: check.approvedBy });
}
