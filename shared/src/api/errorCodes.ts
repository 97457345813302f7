/**
 * Error codes the sync-server's HTTP API answers with, in `{ error, message }` bodies: the server
 * refuses with them and the app translates them, so both take them from here.
 *
 * One code per meaning, everywhere: a passkey the server does not know is `unknown_credential`
 * and a revoked one `revoked_credential`, whether it was offered to sign in or found on a signed
 * record (the names of the shared offline verifier, `verifyAssertionWithRoster`, so the app,
 * the seal device and the server say the same thing).
 */
import type { RosterAssertionRefusalCode } from '../crypto/verifyAssertionWithRoster';
import type { ImpressionRefusalCode } from '../domain/judgeImpression';
import type { StampedPdfRefusalCode } from '../documents/judgeStampedPdf';
import type { VerificationCodeRefusalCode } from '../domain/verificationCode';

export type ApiErrorCode =
  | 'bad_request'
  | 'invalid_json'
  | 'invalid_body'
  | 'invalid_query'
  | 'payload_too_large'
  | 'unsupported_media_type'
  // input that no schema may accept, refused before any schema runs (shared/src/validation):
  // not well-formed Unicode (invalid UTF-8, lone surrogates in strings or keys), nested deeper
  // than JSON_LIMITS, a part of the request (URL, query, a header) longer than allowed, a key
  // named twice in one object, a `__proto__` key
  | 'bad_unicode'
  | 'too_deep'
  | 'too_large'
  | 'duplicate_key'
  | 'forbidden_key'
  | 'not_found'
  // the store lacks a piece an evidence bundle needs (a seal binding signed before bindings were archived)
  | 'evidence_incomplete'
  | 'method_not_allowed'
  | 'rate_limited'
  | 'store_unreachable'
  | 'internal_error'
  // sessions and permissions
  | 'unauthenticated'
  | 'session_expired'
  // adding or revoking a passkey needs a sign-in of the last minutes (a session left open on a
  // shared tablet must not add a stranger's passkey to the account, then revoke the owner's)
  | 'reauth_required'
  // the session is another person's than the local replica asking (another tab signed in): the
  // replica stops as if signed out, keeping what waits to go up
  | 'replica_user_mismatch'
  | 'forbidden'
  | 'out_of_scope'
  // process sheets: a scan whose code names no request, or is no sheet's code
  | 'unknown_request'
  | 'not_a_sheet_code'
  // the scan's own QR is not the code sent, names another request than the page's, or the file is no readable PNG
  | 'code_mismatch'
  | 'wrong_request'
  | 'no_code_found'
  | 'not_an_image'
  // a scan too busy to search for its QR within the time (its reading was cut off)
  | 'scan_too_complex'
  // the caller's previous scan, or too many others, are still being read
  | 'scan_busy'
  | 'origin_not_allowed'
  // bootstrap and invitations
  | 'setup_already_done'
  | 'setup_code_invalid'
  | 'invitation_invalid'
  | 'invitation_expired'
  | 'invitation_used'
  | 'invitation_revoked'
  // WebAuthn ceremonies
  | 'challenge_unknown'
  | 'challenge_used'
  | 'challenge_expired'
  | 'challenge_mismatch'
  | 'malformed_client_data'
  | 'wrong_type'
  | 'origin_mismatch'
  | 'registration_refused'
  | 'assertion_refused'
  | 'unsupported_key'
  | 'credential_exists'
  | 'unknown_credential'
  | 'revoked_credential'
  | 'user_handle_mismatch'
  | 'user_deactivated'
  | 'counter_regressed'
  | 'last_passkey'
  // a signed decision checked by the server (`POST /api/decisions/verify`): the verifier's
  // refusals, then the signer's authority
  | RosterAssertionRefusalCode
  | 'signer_not_permitted'
  | 'signer_out_of_scope'
  | 'self_decision'
  // attachment bytes (`/api/sync/blobs`)
  | 'fact_not_synced'
  | 'chunk_conflict'
  | 'blob_hash_mismatch'
  // seal devices: a binding that does not match the seal's record
  | 'binding_mismatch'
  // administration
  | 'unit_invalid'
  // webhooks: a URL the server will not send to (an internal address while that is not allowed)
  | 'webhook_url_refused'
  | 'last_system_admin'
  // people and units: nobody deactivates themselves; a unit is not moved into its own subtree,
  // nor closed while people, open units or seals are still in it; a closed unit takes nothing new
  | 'self_deactivation'
  | 'unit_cycle'
  | 'unit_not_empty'
  | 'unit_closed'
  // separation of duties: nobody adds roles to themselves; some roles never go together
  | 'self_grant'
  | 'incompatible_roles'
  | 'conflict'
  // headquarters: a scan or sample over more than one request may read (narrow the unit or period)
  | 'scope_too_large'
  // electronic-seal certificates (ADR 008): a signing request that is not a P-256 key's own; a seal that cannot sign; a PDF
  // whose seal signature does not stand (changed, not chained, revoked), so the organisation does not countersign it
  | 'signing_request_invalid'
  | 'seal_not_signable'
  | 'not_countersignable'
  // electronic signing is off on this server (ELECTRONIC_SIGNING)
  | 'signing_disabled'
  // a PDF sent for an impression's countersignature is not the one the impression recorded; or it
  // adds to the approved document more than the impression its recorded layout draws (`judgeStampedPdf`); or
  // its approved document reads differently to pdf-lib and to a viewer (`pdf_ambiguous`, `unambiguousPdf`)
  | 'pdf_mismatch'
  | StampedPdfRefusalCode
  // an impression the shared rule (`judgeImpression`) does not authorise, so it is not countersigned
  | ImpressionRefusalCode
  // /verify: a code that names no record; a code that does not check (mistyped)
  | 'unknown_code'
  | VerificationCodeRefusalCode
  // seal governance (ADR 009): a move that needs no review (make it directly); a request of the same
  // kind already open; a decision for a step not yet open, a second decision by one approver, a
  // decision that signs other terms; a request already settled; an action the server cannot carry out;
  // a new name or custodian that is missing, unchanged or not a custodian of the seal's unit
  | 'no_review_needed'
  | 'request_open'
  | 'step_not_open'
  | 'already_decided'
  | 'stale_terms'
  | 'request_settled'
  | 'action_unsupported'
  // an approval route set below the one its unit inherits, by someone who may not manage where that one is set
  | 'route_below_floor'
  // moving a unit out from under an approval route set above the mover's reach
  | 'route_left_behind'
  | 'invalid_proposal'
  | 'not_in_route'
  | 'seal_custodian_only'
  | 'illegal_transition'
  | 'not_permitted';
