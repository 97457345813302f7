import { canonicalJson } from '../encoding/canonical';
import { err, ok, refuse, type Result } from '../result';
import { compareText } from './compare';
import { decisionPayload, type Decision } from './decision';
import type { ElectronicGrant, ElectronicGrantBody } from './electronicGrant';
import type { GrantRefusal } from './grantRefusal';
import { agreedTerms, type LabelledPayload } from './grantTermsRefusal';
import type { Seal } from './seal';
import type { SealRecord } from '../sync/recordSchemas';
import type { UseRequest } from './useRequest';

/** What an electronic grant states: the device grant's terms without device or geofence, with the approved document's hash. */
export type ElectronicGrantTerms = Pick<ElectronicGrant, 'requestId' | 'sealId' | 'holderId' | 'uses' | 'window' | 'documentSha256'>;

/**
 * The part of the electronic grant rule that needs no signature (the counterpart of
 * `grantTermsRefusal`): the seal is the grant's and is electronic; the grant carries approvals
 * only, all on its request and all over the same terms; and its terms are exactly those — the
 * holder is the requester, the document hash, uses and window are the approved ones. `null` when
 * all holds.
 */
export function electronicGrantTermsRefusal(terms: ElectronicGrantTerms, approvals: readonly LabelledPayload[], seal: Pick<Seal | SealRecord, 'id' | 'form'>): GrantRefusal | null {
  const no = (code: GrantRefusal['code'], message: string): GrantRefusal => ({ code, message });
  if (terms.sealId !== seal.id) return no('grant_wrong_seal', `expected a grant for seal "${seal.id}", got one for "${terms.sealId}"`);
  if (seal.form !== 'electronic') return no('grant_wrong_device', `expected an electronic seal for an electronic grant, got the physical seal "${seal.id}"`);
  const approved = agreedTerms(terms.requestId, approvals);
  if ('code' in approved) return approved;
  if (terms.holderId !== approved.requesterId) return no('grant_holder_mismatch', `expected the requester "${approved.requesterId}" as the holder, got "${terms.holderId}"`);
  if (terms.sealId !== approved.sealId) return no('grant_terms_mismatch', `expected the approved seal "${approved.sealId}", got "${terms.sealId}"`);
  if (terms.documentSha256 !== approved.documentSha256) return no('grant_terms_mismatch', `expected the approved document ${approved.documentSha256}, got ${terms.documentSha256}`);
  if (terms.uses !== approved.uses) return no('grant_terms_mismatch', `expected the ${approved.uses} approved uses, got ${terms.uses}`);
  if (terms.window.notBefore !== approved.window.notBefore || terms.window.notAfter !== approved.window.notAfter) {
    return no('grant_terms_mismatch', `expected the approved window ${approved.window.notBefore}–${approved.window.notAfter}, got ${terms.window.notBefore}–${terms.window.notAfter}`);
  }
  return null;
}

/**
 * Assembles the body of an electronic grant for an approved request (the counterpart of
 * `grantBody`): the seal is the request's and electronic, every decision approves exactly this
 * request's terms; the holder is the requester, and the document is the one the approvers signed.
 * It does NOT judge the approvers' authority — pass the decisions `checkApprovals` counted.
 */
export function electronicGrantBody(request: UseRequest, seal: Pick<Seal | SealRecord, 'id' | 'form'>, approvingDecisions: readonly Decision[]): Result<ElectronicGrantBody, GrantRefusal> {
  if (seal.id !== request.sealId) return refuse('grant_wrong_seal', `expected the request's seal "${request.sealId}", got "${seal.id}"`);
  if (seal.form !== 'electronic') return refuse('grant_wrong_device', `expected an electronic seal for an electronic grant, got the physical seal "${seal.id}"`);
  if (approvingDecisions.length === 0) return refuse('grant_insufficient_approvals', `expected at least one approving decision for request "${request.id}", got none`);
  const expected = canonicalJson(decisionPayload(request, 'approve'));
  for (const decision of approvingDecisions) {
    const { payload } = decision;
    if (payload.verdict !== 'approve') return err({ code: 'grant_rejected', message: `expected only approving decisions, got decision "${decision.id}" rejecting request "${payload.requestId}"` });
    if (payload.requestId !== request.id) return err({ code: 'grant_terms_mismatch', message: `expected decisions on request "${request.id}", got decision "${decision.id}" on "${payload.requestId}"` });
    if (canonicalJson(payload) !== expected) return err({ code: 'grant_stale_terms', message: `expected decisions approving request "${request.id}" as it stands, got decision "${decision.id}" over other terms (the request was edited after it)` });
  }
  const decisions = [...new Map(approvingDecisions.map((d) => [d.id, d])).values()].sort((a, b) => compareText(a.id, b.id));
  return ok({
    form: 'electronic',
    requestId: request.id,
    sealId: seal.id,
    holderId: request.requesterId,
    documentSha256: request.document.sha256,
    uses: request.usesRequested,
    window: { ...request.window },
    decisions,
  });
}

/** How an electronic grant departs from its request's terms (the counterpart of `grantMismatch`), or `null`. */
export function electronicGrantMismatch(grant: ElectronicGrant, request: UseRequest): string | null {
  if (grant.requestId !== request.id) return `grant "${grant.id}" is for request "${grant.requestId}", not "${request.id}"`;
  if (grant.sealId !== request.sealId) return `grant "${grant.id}" names seal "${grant.sealId}", expected "${request.sealId}"`;
  if (grant.holderId !== request.requesterId) return `grant "${grant.id}" names holder "${grant.holderId}", expected the requester "${request.requesterId}"`;
  if (grant.documentSha256 !== request.document.sha256) return `grant "${grant.id}" binds document ${grant.documentSha256}, expected the request's ${request.document.sha256}`;
  if (grant.uses !== request.usesRequested) return `grant "${grant.id}" allows ${grant.uses} uses, expected the ${request.usesRequested} requested`;
  if (grant.window.notBefore !== request.window.notBefore || grant.window.notAfter !== request.window.notAfter) {
    return `grant "${grant.id}" window ${grant.window.notBefore}–${grant.window.notAfter} is not the request's ${request.window.notBefore}–${request.window.notAfter}`;
  }
  const terms = canonicalJson(decisionPayload(request, 'approve'));
  const stray = grant.decisions.find((decision) => canonicalJson(decision.payload) !== terms);
  if (stray !== undefined) return `grant "${grant.id}" carries decision "${stray.id}" that does not approve the request's current terms`;
  return null;
}
