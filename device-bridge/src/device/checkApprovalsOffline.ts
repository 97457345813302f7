import { judgeGrantEvidence, type AssertionFields, type GrantApproval, type GrantRefusal, type GrantRefusalCode, type Refusal, type Result, type Roster } from '@seal/shared';
import type { DeviceErrorCode } from '../protocol/codes';
import { approvedPayload } from '../protocol/grantWire';
import type { GrantEvidence } from '../protocol/messages';
import type { SealBinding } from '../protocol/orgRecords';
import { bindingGrantSeal } from './rosterPolicy';

/** The device's code for each refusal of the shared grant rule (the protocol's codes predate it). */
const DEVICE_CODE: Readonly<Record<GrantRefusalCode, DeviceErrorCode>> = {
  grant_wrong_seal: 'wrong_seal',
  grant_wrong_device: 'wrong_device',
  grant_rejected: 'grant_mismatch',
  grant_terms_mismatch: 'grant_mismatch',
  grant_holder_mismatch: 'grant_mismatch',
  grant_stale_terms: 'grant_mismatch',
  grant_id_mismatch: 'grant_mismatch',
  grant_not_as_issued: 'grant_mismatch',
  grant_duplicate_approver: 'grant_mismatch',
  grant_approval_invalid: 'approval_invalid',
  grant_approver_unknown: 'approver_unknown',
  grant_approver_revoked: 'approver_revoked',
  grant_approver_not_entitled: 'approver_not_entitled',
  grant_insufficient_approvals: 'insufficient_approvals',
};

/** A refusal of the shared grant rule as the device reports it (its code, the rule's code and message). */
export const asDeviceRefusal = (refusal: GrantRefusal): Refusal<DeviceErrorCode> => ({ code: DEVICE_CODE[refusal.code], message: `${refusal.code}: ${refusal.message}` });

/**
 * The approvals as the shared grant rule takes them: every approver signed the payload rebuilt
 * from the evidence (`approvedPayload`), so if the tablet changed any term, no assertion verifies.
 */
export const evidenceApprovals = (evidence: GrantEvidence, approvals: readonly AssertionFields[]): GrantApproval[] => {
  const payload = approvedPayload(evidence);
  return approvals.map((assertion, i) => ({ label: `approval ${i}`, payload, assertion }));
};

/**
 * The grant and its approvals, judged offline by the SAME rule the app and the server run
 * (`judgeGrantEvidence`): terms, each assertion against the installed roster (`approval_invalid`
 * when forged or over other terms, `approver_unknown`, `approver_revoked`), each approver once,
 * authority over the bound seal's unit by the roster's roles and unit tree, and the binding's
 * route (`approver_not_entitled`, `insufficient_approvals`). What the device cannot know — the
 * request record as it stands, the grant's content address — the app and the server check.
 */
export async function checkApprovalsOffline(
  roster: Roster,
  binding: SealBinding,
  evidence: GrantEvidence,
  approvals: readonly AssertionFields[],
): Promise<Result<readonly string[], Refusal<DeviceErrorCode>>> {
  const judged = await judgeGrantEvidence(evidence, evidenceApprovals(evidence, approvals), bindingGrantSeal(binding), roster);
  return judged.ok ? { ok: true, value: judged.value.approvedBy } : { ok: false, error: asDeviceRefusal(judged.error) };
}
