import { canonicalJson } from '../encoding/canonical';
import { err, type Result } from '../result';
import { contentId } from './contentId';
import { decisionPayload } from './decision';
import type { Grant } from './grant';
import type { GrantRefusal } from './grantRefusal';
import { grantSealOf } from './grantSeal';
import { approvalsOf, grantBodyFrom, type GrantRecords } from './issueGrant';
import { judgeGrantEvidence, type GrantApproved } from './judgeGrantEvidence';

const withoutId = <T extends { id: string }>({ id: _id, ...rest }: T): Omit<T, 'id'> => rest;

/**
 * Whether a grant is valid, judged by the app and the server against their records: the rule the
 * seal device applies (`judgeGrantEvidence`, the same code), then what only the records tell —
 * the grant's and its decisions' content addresses, that it is for the request and its seal as
 * recorded, that its decisions approve the request as it stands now (not terms it had before an
 * edit), and finally that it is exactly the grant `issueGrant` gives for its decisions (same
 * order, no extra or repeated decision). A valid grant is one issuing would have made.
 */
export async function judgeGrant(grant: Grant, records: GrantRecords): Promise<Result<GrantApproved, GrantRefusal>> {
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

  const judged = await judgeGrantEvidence(grant, approvalsOf(grant.decisions), grantSealOf(seal, records.routes), records.roster);
  if (!judged.ok) return judged;

  if (canonicalJson(grant.decisions[0]!.payload) !== canonicalJson(decisionPayload(request, 'approve'))) {
    return no('grant_stale_terms', `expected approvals of request "${request.id}" as it stands, got approvals of terms it had before an edit`);
  }
  const issued = grantBodyFrom(records, grant.decisions);
  if (!issued.ok) return issued;
  if (canonicalJson(issued.value) !== canonicalJson(withoutId(grant))) {
    return no('grant_not_as_issued', `expected the grant issuing gives for its ${grant.decisions.length} decision(s) (one per approver, sorted by id), got another`);
  }
  return judged;
}
