import {
  canonicalJson,
  contentId,
  decisionPayload,
  err,
  ok,
  type AssertionFields,
  type DecisionPayload,
  type Grant,
  type Refusal,
  type Result,
  type UseRequest,
} from '@seal/shared';
import type { GrantEvidence } from './messages';

/**
 * A grant, cut to what the device cannot know by itself. Every approving decision signs the same
 * payload (`checkApprovals` counts no other), so the payload travels once, as fields the grant
 * does not already carry; the approvals travel as bare assertions. The device rebuilds the
 * payload and checks each assertion's challenge against it: if the tablet changed any term, no
 * approval verifies.
 */
export interface UnlockEvidence {
  readonly grant: GrantEvidence;
  readonly approvals: readonly AssertionFields[];
}

/** Why a grant cannot be sent to a device. */
export type GrantEvidenceRefusalCode = 'grant_inconsistent';

const sameWindow = (a: { notBefore: number; notAfter: number }, b: { notBefore: number; notAfter: number }) => a.notBefore === b.notBefore && a.notAfter === b.notAfter;

/** The evidence of a grant for `unlock` (tablet side). */
export function grantEvidence(grant: Grant): Result<UnlockEvidence, Refusal<GrantEvidenceRefusalCode>> {
  const first = grant.decisions[0];
  if (first === undefined) return err({ code: 'grant_inconsistent', message: `grant "${grant.id}" carries no decision` });
  const terms = first.payload;
  const stray = grant.decisions.find((d) => d.payload.verdict !== 'approve' || canonicalJson(d.payload) !== canonicalJson(terms));
  if (stray !== undefined) return err({ code: 'grant_inconsistent', message: `grant "${grant.id}": decision "${stray.id}" does not approve the same terms as "${first.id}"` });
  if (terms.requestId !== grant.requestId || terms.sealId !== grant.sealId) {
    return err({ code: 'grant_inconsistent', message: `grant "${grant.id}" names request/seal "${grant.requestId}"/"${grant.sealId}", its decisions "${terms.requestId}"/"${terms.sealId}"` });
  }
  if (canonicalJson(terms.place.geofence ?? null) !== canonicalJson(grant.geofence ?? null)) {
    return err({ code: 'grant_inconsistent', message: `grant "${grant.id}" geofence differs from the approved place` });
  }
  const evidence: GrantEvidence = {
    id: grant.id,
    requestId: grant.requestId,
    deviceId: grant.deviceId,
    sealId: grant.sealId,
    holderId: grant.holderId,
    uses: grant.uses,
    window: grant.window,
    ...(grant.geofence === undefined ? {} : { geofence: grant.geofence }),
    documentSha256: terms.documentSha256,
    placeUnitId: terms.place.unitId,
    ...(terms.uses === grant.uses ? {} : { approvedUses: terms.uses }),
    ...(sameWindow(terms.window, grant.window) ? {} : { approvedWindow: terms.window }),
    decisions: grant.decisions.map(({ at, comment, assertion: { userHandle } }) => ({ at, ...(comment === undefined ? {} : { comment }), ...(userHandle === undefined ? {} : { userHandle }) })),
  };
  return ok({ grant: evidence, approvals: grant.decisions.map((d) => d.assertion) });
}

/**
 * The request as its approvers signed it, rebuilt from the evidence (device side). Only the
 * signed terms are real; title, pages, copies and purpose are placeholders no check reads. The
 * requester is the grant's holder: whoever asked is who stamps.
 */
export function approvedRequest(evidence: GrantEvidence): UseRequest {
  const place = evidence.geofence === undefined ? { unitId: evidence.placeUnitId } : { unitId: evidence.placeUnitId, geofence: evidence.geofence };
  return {
    id: evidence.requestId,
    requesterId: evidence.holderId,
    unitId: evidence.placeUnitId,
    sealId: evidence.sealId,
    document: { title: '-', sha256: evidence.documentSha256, pages: 1 },
    copies: 1,
    purpose: '-',
    usesRequested: evidence.approvedUses ?? evidence.uses,
    window: evidence.approvedWindow ?? evidence.window,
    place,
    createdAt: 0,
  };
}

/** The decision payload every approval of this evidence must have signed. */
export const approvedPayload = (evidence: GrantEvidence): DecisionPayload => decisionPayload(approvedRequest(evidence), 'approve');

/**
 * The content address of the grant this evidence stands for (device side): its decisions rebuilt
 * from the approved payload, each bare approval and its approver (`approverIds`, in the
 * approvals' order: the roster owners of the passkeys that signed them) and what
 * `evidence.decisions` adds (time, note, user handle),
 * in the order carried; then the grant's body as `grantBody` makes it. An honest tablet's
 * evidence gives the grant's own `id`; a made-up or borrowed id gives another, and so does any
 * decision left out, added or reordered. `null` when the counts do not agree.
 */
export async function evidenceGrantId(evidence: GrantEvidence, approvals: readonly AssertionFields[], approverIds: readonly string[]): Promise<string | null> {
  if (evidence.decisions.length !== approvals.length || approverIds.length !== approvals.length) return null;
  const payload = approvedPayload(evidence);
  const decisions = await Promise.all(
    approvals.map(async (assertion, i) => {
      const { at, comment, userHandle } = evidence.decisions[i]!;
      const signed = userHandle === undefined ? assertion : { ...assertion, userHandle };
      const body = { approverId: approverIds[i]!, payload, assertion: signed, ...(comment === undefined ? {} : { comment }), at };
      return { ...body, id: await contentId(body) };
    }),
  );
  const body = {
    requestId: evidence.requestId,
    sealId: evidence.sealId,
    deviceId: evidence.deviceId,
    holderId: evidence.holderId,
    uses: evidence.uses,
    window: evidence.window,
    decisions,
    ...(evidence.geofence === undefined ? {} : { geofence: evidence.geofence }),
  };
  return contentId(body);
}
