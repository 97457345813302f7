import type { Refusal } from '../result';

/**
 * Why a grant is not valid: the codes of {@link judgeGrantEvidence} (what every judge, the seal
 * device included, can tell from the grant, its approvals, the seal and the roster) and of
 * `judgeGrant` (what the app and the server also check against the request and seal records).
 * The server refuses a pushed grant with these codes; the device maps them to its own.
 */
export type GrantRefusalCode =
  /** The grant's or a decision's id is not the content address of its body. */
  | 'grant_id_mismatch'
  /** It carries a reject decision, or the request it is for has been rejected. */
  | 'grant_rejected'
  /** Its terms (request, seal, uses, window, geofence) are not the terms every decision approves. */
  | 'grant_terms_mismatch'
  /** Its holder is not the requester the approvers named. */
  | 'grant_holder_mismatch'
  /** Its decisions approve terms the request no longer has (the request was edited). */
  | 'grant_stale_terms'
  /** It names another seal than the request's, or than the one the device holds. */
  | 'grant_wrong_seal'
  /** It names another device than the one the seal is locked in (or the seal is in none). */
  | 'grant_wrong_device'
  /** An approval's passkey signature does not verify over the approved terms, or was made by someone else than it names. */
  | 'grant_approval_invalid'
  /** An approval was signed with a passkey the roster does not know. */
  | 'grant_approver_unknown'
  /** An approval was signed with a revoked passkey. */
  | 'grant_approver_revoked'
  /** One approver's approval is carried twice. */
  | 'grant_duplicate_approver'
  /** An approver has no authority over the seal (no approver role there, or is the requester). */
  | 'grant_approver_not_entitled'
  /** The approval route of the seal's kind is not met (too few approvers, or only its custodian). */
  | 'grant_insufficient_approvals'
  /** It is not the grant issuing gives for its decisions (other order, extra or repeated decisions). */
  | 'grant_not_as_issued';

export type GrantRefusal = Refusal<GrantRefusalCode>;
