import { z } from 'zod';
import { decisionIdSchema, requestIdSchema, sealIdSchema, userIdSchema } from './ids';
import { MAX_REASON_LENGTH, millisSchema, sha256HexSchema } from './primitives';
import { timeWindowSchema, usePlaceSchema, type UseRequest } from './useRequest';
import { webAuthnAssertionSchema } from './webAuthnAssertion';

/** An approver's verdict on a request. */
export const verdictSchema = z.enum(['approve', 'reject']);
export type Verdict = z.infer<typeof verdictSchema>;

/** What a decision payload says it is (domain separation for the passkey challenge). */
const DECISION_PURPOSE = 'seal-use-decision';

/**
 * The record an approver signs: its `hashRecord` is the WebAuthn challenge. It binds the verdict
 * to the request's terms as DESIGN §5 lists them — request id, document hash, seal, uses, window,
 * place — so an approval can never be replayed for another document, seal, count, time or place.
 * It also names the requester, who is the only person the grant lets stamp: without it, anyone
 * in the roster could copy a valid grant, name themselves as its holder and unlock the seal.
 * `purpose` says what the record is, so that an assertion over it can never be read as another
 * kind of signed record (e.g. an unlock confirmation).
 */
export const decisionPayloadSchema = z.strictObject({
  purpose: z.literal(DECISION_PURPOSE),
  requestId: requestIdSchema,
  requesterId: userIdSchema,
  documentSha256: sha256HexSchema,
  sealId: sealIdSchema,
  uses: z.int().positive(),
  window: timeWindowSchema,
  place: usePlaceSchema,
  verdict: verdictSchema,
});
export type DecisionPayload = z.infer<typeof decisionPayloadSchema>;

/** The terms an approver signs: the decision payload without its verdict (see `decisionTerms`). */
export type DecisionTerms = Omit<DecisionPayload, 'verdict'>;

/** Terms in canonical form: plain JSON with no `undefined` member (an absent geofence is left out). */
function canonicalTerms(terms: Omit<DecisionTerms, 'purpose'>): DecisionTerms {
  const { window, place } = terms;
  return {
    purpose: DECISION_PURPOSE,
    requestId: terms.requestId,
    requesterId: terms.requesterId,
    documentSha256: terms.documentSha256,
    sealId: terms.sealId,
    uses: terms.uses,
    window: { notBefore: window.notBefore, notAfter: window.notAfter },
    place: place.geofence === undefined ? { unitId: place.unitId } : { unitId: place.unitId, geofence: { ...place.geofence } },
  };
}

/** The request's terms as its approvers sign them (what `checkApprovals` holds every decision to). */
export function decisionTerms(request: UseRequest): DecisionTerms {
  const { id: requestId, requesterId, document, sealId, usesRequested: uses, window, place } = request;
  return canonicalTerms({ requestId, requesterId, documentSha256: document.sha256, sealId, uses, window, place });
}

/** The terms a signed payload carries, in the same canonical form (where only the payload travels: a grant's approvals). */
export function signedTerms(payload: DecisionPayload): DecisionTerms {
  return canonicalTerms(payload);
}

/**
 * The canonical decision payload for a request and a verdict. Plain JSON with no `undefined`
 * member (an absent geofence is left out), ready for `hashRecord`.
 */
export function decisionPayload(request: UseRequest, verdict: Verdict): DecisionPayload {
  return { ...decisionTerms(request), verdict };
}

/**
 * An approver's decision (an append-only fact): the signed payload, the passkey assertion over
 * it, and unsigned notes (`comment`, `at` by the approver's clock). Content-addressed: `id` is the
 * `contentId` of the rest. The request id and verdict live in the payload, so what was signed and
 * what is counted can never differ.
 */
export const decisionSchema = z.strictObject({
  id: decisionIdSchema,
  approverId: userIdSchema,
  payload: decisionPayloadSchema,
  assertion: webAuthnAssertionSchema,
  comment: z.string().max(MAX_REASON_LENGTH).optional(),
  at: millisSchema,
});
export type Decision = z.infer<typeof decisionSchema>;
