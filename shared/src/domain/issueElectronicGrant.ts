import { canonicalJson } from '../encoding/canonical';
import { err, ok, type Result } from '../result';
import { contentId, withContentId } from './contentId';
import { decisionPayload, type Decision } from './decision';
import type { ElectronicGrant, ElectronicGrantBody } from './electronicGrant';
import { electronicGrantBody, electronicGrantTermsRefusal } from './electronicGrantRules';
import type { GrantRefusal } from './grantRefusal';
import { grantSealOf } from './grantSeal';
import { approvalsOf, countedApprovals, type GrantRecords } from './issueGrant';
import { judgeApprovals, type GrantApproved } from './judgeGrantEvidence';

const withoutId = <T extends { id: string }>({ id: _id, ...rest }: T): Omit<T, 'id'> => rest;

/** The electronic grant body the records give for these decisions (the counterpart of `grantBodyFrom`). */
export function electronicGrantBodyFrom(records: GrantRecords, decisions: readonly Decision[]): Result<ElectronicGrantBody, GrantRefusal> {
  const counted = countedApprovals(records, decisions);
  return counted.ok ? electronicGrantBody(records.request, counted.value.seal, counted.value.decisions) : counted;
}

/**
 * Issues the electronic grant of an approved request for an electronic seal: the body the records
 * give, judged by the same signed-approval rule as device grants (`judgeApprovals`), with its
 * content address. Deterministic, like `issueGrant`.
 */
export async function issueElectronicGrant(records: GrantRecords, decisions: readonly Decision[]): Promise<Result<ElectronicGrant, GrantRefusal>> {
  const body = electronicGrantBodyFrom(records, decisions);
  if (!body.ok) return body;
  const judged = await judgeApprovals(approvalsOf(body.value.decisions), grantSealOf(records.seal, records.routes), records.roster);
  if (!judged.ok) return judged;
  return ok((await withContentId(body.value)) as ElectronicGrant);
}

/**
 * Whether an electronic grant is valid against the records (the counterpart of `judgeGrant`):
 * content addresses, request and seal as recorded, the seal electronic, its terms exactly the
 * approved ones — the document hash included — every passkey assertion verified against the
 * roster by an entitled approver, the route met, and exactly the grant issuing would give.
 */
export async function judgeElectronicGrant(grant: ElectronicGrant, records: GrantRecords): Promise<Result<GrantApproved, GrantRefusal>> {
  const { request, seal } = records;
  const no = (code: GrantRefusal['code'], message: string) => err({ code, message });
  const ownId = await contentId(withoutId(grant));
  if (grant.id !== ownId) return no('grant_id_mismatch', `expected the grant's id to be its content address "${ownId}", got "${grant.id}"`);
  for (const decision of grant.decisions) {
    const id = await contentId(withoutId(decision));
    if (decision.id !== id) return no('grant_id_mismatch', `expected decision "${decision.id}" to have its content address "${id}" as id`);
  }
  if (grant.requestId !== request.id) return no('grant_terms_mismatch', `expected a grant for request "${request.id}", got one for "${grant.requestId}"`);
  if (seal.id !== request.sealId || grant.sealId !== request.sealId) return no('grant_wrong_seal', `expected the request's seal "${request.sealId}", got "${grant.sealId}"`);
  const approvals = approvalsOf(grant.decisions);
  const termsRefusal = electronicGrantTermsRefusal(grant, approvals, seal);
  if (termsRefusal !== null) return err(termsRefusal);
  const judged = await judgeApprovals(approvals, grantSealOf(seal, records.routes), records.roster);
  if (!judged.ok) return judged;
  if (canonicalJson(grant.decisions[0]!.payload) !== canonicalJson(decisionPayload(request, 'approve'))) {
    return no('grant_stale_terms', `expected approvals of request "${request.id}" as it stands, got approvals of terms it had before an edit`);
  }
  const issued = electronicGrantBodyFrom(records, grant.decisions);
  if (!issued.ok) return issued;
  if (canonicalJson(issued.value) !== canonicalJson(withoutId(grant))) {
    return no('grant_not_as_issued', `expected the grant issuing gives for its ${grant.decisions.length} decision(s) (one per approver, sorted by id), got another`);
  }
  return judged;
}
