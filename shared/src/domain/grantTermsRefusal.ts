import { canonicalJson } from '../encoding/canonical';
import type { DecisionPayload } from './decision';
import type { Geofence } from './geo';
import type { GrantRefusal } from './grantRefusal';
import type { GrantSeal } from './grantSeal';
import type { DeviceId, RequestId, SealId, UserId } from './ids';
import type { TimeWindow } from './useRequest';

/** The terms a grant states: what the device lets its holder do. */
export interface GrantTerms {
  readonly requestId: RequestId;
  readonly sealId: SealId;
  readonly deviceId: DeviceId;
  readonly holderId: UserId;
  readonly uses: number;
  readonly window: TimeWindow;
  readonly geofence?: Geofence | undefined;
}

/** An approval's signed payload and how messages name it (a decision id, or "approval 0" on the device). */
export interface LabelledPayload {
  readonly label: string;
  readonly payload: DecisionPayload;
}

/**
 * The terms every approval agrees on: approvals only, all on `requestId`, all over the same terms
 * (the first one's); or why not. Shared by the device and electronic grant rules.
 */
export function agreedTerms(requestId: RequestId, approvals: readonly LabelledPayload[]): DecisionPayload | GrantRefusal {
  const no = (code: GrantRefusal['code'], message: string): GrantRefusal => ({ code, message });
  const first = approvals[0];
  if (first === undefined) return no('grant_insufficient_approvals', `expected approvals for request "${requestId}", got none`);
  for (const { label, payload } of approvals) {
    if (payload.verdict !== 'approve') return no('grant_rejected', `expected approvals only, got ${label} rejecting request "${payload.requestId}"`);
    if (payload.requestId !== requestId) return no('grant_terms_mismatch', `expected approvals of request "${requestId}", got ${label} on request "${payload.requestId}"`);
  }
  const approved = first.payload;
  const stray = approvals.find(({ payload }) => canonicalJson(payload) !== canonicalJson(approved));
  if (stray !== undefined) return no('grant_terms_mismatch', `expected every approval over the same terms, got ${stray.label} over other terms than ${first.label}`);
  return approved;
}

const sameWindow = (a: TimeWindow, b: TimeWindow): boolean => a.notBefore === b.notBefore && a.notAfter === b.notAfter;

/**
 * The part of the grant rule that needs no signature: the grant names the seal and the device it
 * is locked in; it carries approvals only, all on its request and all over the same terms; and
 * its terms are exactly those terms — the holder is the requester the approvers named, and the
 * uses, window and geofence are the approved ones, neither narrowed nor widened (a grant is
 * issued with the request's terms, so any other is forged). `null` when all holds.
 * Cheap: a seal device runs it before anything costly, and `judgeGrantEvidence` runs it first.
 */
export function grantTermsRefusal(terms: GrantTerms, approvals: readonly LabelledPayload[], seal: GrantSeal): GrantRefusal | null {
  const no = (code: GrantRefusal['code'], message: string): GrantRefusal => ({ code, message });
  if (terms.sealId !== seal.sealId) return no('grant_wrong_seal', `expected a grant for seal "${seal.sealId}", got one for "${terms.sealId}"`);
  if (seal.deviceId === null) return no('grant_wrong_device', `expected seal "${seal.sealId}" to be locked in a device, got none`);
  if (terms.deviceId !== seal.deviceId) return no('grant_wrong_device', `expected a grant for device "${seal.deviceId}" (where seal "${seal.sealId}" is locked), got one for "${terms.deviceId}"`);
  const approved = agreedTerms(terms.requestId, approvals);
  if ('code' in approved) return approved;
  if (terms.holderId !== approved.requesterId) return no('grant_holder_mismatch', `expected the requester "${approved.requesterId}" as the holder, got "${terms.holderId}"`);
  if (terms.sealId !== approved.sealId) return no('grant_terms_mismatch', `expected the approved seal "${approved.sealId}", got "${terms.sealId}"`);
  if (terms.uses !== approved.uses) return no('grant_terms_mismatch', `expected the ${approved.uses} approved uses, got ${terms.uses}`);
  if (!sameWindow(terms.window, approved.window)) {
    return no('grant_terms_mismatch', `expected the approved window ${approved.window.notBefore}–${approved.window.notAfter}, got ${terms.window.notBefore}–${terms.window.notAfter}`);
  }
  if (canonicalJson(terms.geofence ?? null) !== canonicalJson(approved.place.geofence ?? null)) {
    return no('grant_terms_mismatch', `expected the approved geofence ${canonicalJson(approved.place.geofence ?? null)}, got ${canonicalJson(terms.geofence ?? null)}`);
  }
  return null;
}
