import { z } from 'zod';

/**
 * A use request's status, derived (never stored) by `deriveRequestStatus`:
 * - `pending` — waiting for approvals;
 * - `approved` — approved, no use made yet (a grant may or may not have reached a device);
 * - `in_use` — approved, some uses made, some left;
 * - `completed` — every approved use was made, each one authorised;
 * - `rejected` — an eligible approver said no;
 * - `cancelled` — withdrawn by the requester or an admin;
 * - `expired` — the window closed before the request was completed;
 * - `halted` — the seal is not active (suspended, lost, confiscated, revoked, destroyed).
 */
export const requestStatusSchema = z.enum(['pending', 'approved', 'in_use', 'completed', 'rejected', 'cancelled', 'expired', 'halted']);
export type RequestStatus = z.infer<typeof requestStatusSchema>;

/**
 * Something in a request's facts that an auditor must look at. Stamp anomalies never hide the
 * stamp: it is listed in the view whatever is wrong with it.
 * - `stamp_beyond_approved_uses` — more stamps under the request than uses approved;
 * - `stamp_after_cancellation` — stamped at or after the (earliest valid) cancellation;
 * - `stamp_while_seal_inactive` — the seal was not active at the time of the stamp;
 * - `stamp_outside_window` — stamped before `notBefore` or after `notAfter`;
 * - `stamp_outside_geofence` — the stamp's position is outside the request's geofence;
 * - `stamp_without_grant` — no grant of this request for this device names the stamp;
 * - `stamp_without_approval` — the request is not approved (pending, or vetoed);
 * - `impression_wrong_document` — an electronic impression applied to another PDF than the approved one
 *   (the stamp_* kinds above apply to electronic impressions too: an impression is a use);
 * - `ignored_decision` — a decision that does not count (stale terms, self-decision, no authority);
 * - `conflicting_decisions` — one approver both approved and rejected;
 * - `ignored_cancellation` — a cancellation by someone who may not cancel this request;
 * - `grant_mismatch` — a grant whose terms differ from the request's;
 * - `fact_conflict` — two different bodies under one fact id.
 */
export const requestAnomalyKindSchema = z.enum([
  'stamp_beyond_approved_uses',
  'stamp_after_cancellation',
  'stamp_while_seal_inactive',
  'stamp_outside_window',
  'stamp_outside_geofence',
  'stamp_without_grant',
  'stamp_without_approval',
  'impression_wrong_document',
  'ignored_decision',
  'conflicting_decisions',
  'ignored_cancellation',
  'grant_mismatch',
  'fact_conflict',
]);
export type RequestAnomalyKind = z.infer<typeof requestAnomalyKindSchema>;

/** One anomaly: its kind, the id of the fact it is about, and a sentence for people. */
export interface RequestAnomaly {
  readonly kind: RequestAnomalyKind;
  readonly ref: string;
  readonly message: string;
}
