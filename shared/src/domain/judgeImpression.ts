import { err, ok, type Refusal, type Result } from '../result';
import { compareText } from './compare';
import { dedupeById } from './dedupeById';
import type { ElectronicGrant } from './electronicGrant';
import type { GrantRefusalCode } from './grantRefusal';
import type { Impression } from './impression';
import type { GrantRecords } from './issueGrant';
import { judgeElectronicGrant } from './issueElectronicGrant';
import type { GrantApproved } from './judgeGrantEvidence';
import type { Millis } from './primitives';
import type { SealStatusChange } from './sealStatusChange';
import { sealStatusAt, sealStatusTimeline } from './sealStatusTimeline';
import { isWithinWindow } from './useRequest';
import { verificationCodeOf } from './verificationCode';

/** The signing certificate an impression names, as the CA's records (server) or the tablet's own copy say. */
export interface ImpressionCertificate {
  readonly serial: string;
  readonly sealId: string;
  readonly holderId: string;
  readonly notBefore: Millis;
  readonly notAfter: Millis;
  readonly revokedAt: Millis | null;
}

/** What an impression is judged against: the grant records, the grant it names, the request's impressions, the seal's lifecycle and the certificate. */
export interface ImpressionRecords extends GrantRecords {
  /** The electronic grant the impression names. */
  readonly grant: ElectronicGrant;
  /** The request's impressions held, in any order, with copies; the judged one among them or not. */
  readonly impressions: readonly Impression[];
  /** The seal's lifecycle changes (its status at the claimed time); when none, the seal record's status, else active. */
  readonly sealChanges: readonly SealStatusChange[];
  /** The certificate the impression names; `null` when the judge knows none by that serial. */
  readonly certificate: ImpressionCertificate | null;
}

/** Why an impression is not authorised: the grant's codes, or one of its own. */
export type ImpressionRefusalCode =
  | GrantRefusalCode
  /** Its verification code is not `verificationCodeOf(id)`. */
  | 'impression_code_mismatch'
  /** It names another grant, request, seal or holder than the grant's. */
  | 'impression_grant_mismatch'
  /** The PDF the seal was applied to is not the approved one. */
  | 'impression_wrong_document'
  /** Claimed outside the grant's window. */
  | 'impression_outside_window'
  /** The seal was not active at the claimed time. */
  | 'impression_seal_inactive'
  /** No certificate by its serial is known. */
  | 'impression_unknown_certificate'
  /** The certificate was issued for another seal or another holder. */
  | 'impression_wrong_certificate'
  /** Claimed outside the certificate's validity. */
  | 'impression_certificate_expired'
  /** Claimed at or after the certificate's revocation. */
  | 'impression_certificate_revoked'
  /** One use more than approved, counting the request's impressions in order. */
  | 'impression_beyond_uses';
export type ImpressionRefusal = Refusal<ImpressionRefusalCode>;

/**
 * Refusals that describe an impression that HAPPENED but is not authorised (the tablet signed it
 * offline under a genuine grant and certificate, too late, too often, or after the seal was
 * withdrawn): the server accepts such a fact, as it accepts a physical stamp beyond its grant, so
 * the record keeps it — `deriveRequestStatus` flags it — and never countersigns it. Any other
 * refusal (forged code or grant, another document, an unknown or foreign certificate) is refused
 * at the door.
 */
export const IMPRESSION_ANOMALY_CODES: readonly ImpressionRefusalCode[] = [
  'impression_beyond_uses', 'impression_outside_window', 'impression_seal_inactive', 'impression_certificate_expired', 'impression_certificate_revoked',
];

/** A valid impression: who approved, and its use number under the request (1-based). */
export interface ImpressionJudged extends GrantApproved {
  readonly ordinal: number;
}

/** The order impressions use a request's uses in: claimed time, then id (every replica agrees). */
export const impressionOrder = (a: Impression, b: Impression): number => a.claimedAt - b.claimedAt || compareText(a.id, b.id);

/**
 * THE impression rule — one place, run by the app before it signs, by the server on push and
 * before it countersigns. An impression is authorised when:
 * its code is `verificationCodeOf(id)`; it names its grant's request, seal and holder; the grant
 * is valid (`judgeElectronicGrant`: ADR 001 rules — approvals counted against the roster, the
 * seal electronic, the terms and the document hash exactly the approved ones); the PDF it was
 * applied to is the approved one (`sourceSha256`); the claimed time lies in the grant's window,
 * while the seal was active, inside the certificate's validity and before its revocation; the
 * certificate is the seal's and the holder's; and it is within the approved uses, counted per
 * REQUEST across all its impressions in `impressionOrder` (a use beyond them is refused, as a
 * physical over-use is flagged).
 */
export async function judgeImpression(impression: Impression, records: ImpressionRecords): Promise<Result<ImpressionJudged, ImpressionRefusal>> {
  const no = (code: ImpressionRefusalCode, message: string) => err({ code, message });
  const { grant, certificate } = records;
  const at = impression.claimedAt;
  const code = await verificationCodeOf(impression.id);
  if (impression.verificationCode !== code) return no('impression_code_mismatch', `expected the verification code ${code} of impression "${impression.id}", got ${impression.verificationCode}`);
  if (impression.grantId !== grant.id) return no('impression_grant_mismatch', `expected an impression under grant "${grant.id}", got one naming "${impression.grantId}"`);
  for (const field of ['requestId', 'sealId', 'holderId'] as const) {
    if (impression[field] !== grant[field]) return no('impression_grant_mismatch', `expected the grant's ${field} "${grant[field]}", got "${impression[field]}"`);
  }
  const valid = await judgeElectronicGrant(grant, records);
  if (!valid.ok) return valid;
  if (impression.sourceSha256 !== grant.documentSha256) {
    return no('impression_wrong_document', `this is not the document that was approved: its SHA-256 is ${impression.sourceSha256}, the approvers signed ${grant.documentSha256}`);
  }
  // Whose certificate first: a forged one is refused, whatever else (an anomaly kept as a fact) is wrong too.
  if (certificate === null || certificate.serial !== impression.certificateSerial) return no('impression_unknown_certificate', `expected a signing certificate the organisation issued, got serial ${impression.certificateSerial}, which it does not know`);
  if (certificate.sealId !== grant.sealId) return no('impression_wrong_certificate', `certificate ${certificate.serial} was issued for seal "${certificate.sealId}", not "${grant.sealId}"`);
  if (certificate.holderId !== grant.holderId) return no('impression_wrong_certificate', `certificate ${certificate.serial} was issued to another holder than the grant's`);
  if (!isWithinWindow(at, grant.window)) return no('impression_outside_window', `claimed at ${new Date(at).toISOString()}, outside the grant's window ${new Date(grant.window.notBefore).toISOString()}–${new Date(grant.window.notAfter).toISOString()}`);
  const status = records.sealChanges.length > 0 ? sealStatusAt(sealStatusTimeline(records.sealChanges.filter((c) => c.sealId === grant.sealId)), at) : ('status' in records.seal ? records.seal.status : 'active');
  if (status !== 'active') return no('impression_seal_inactive', `seal "${grant.sealId}" was ${status ?? 'not yet created'} at ${new Date(at).toISOString()}`);
  if (at < certificate.notBefore || at > certificate.notAfter) {
    return no('impression_certificate_expired', `claimed at ${new Date(at).toISOString()}, outside certificate ${certificate.serial}'s validity ${new Date(certificate.notBefore).toISOString()}–${new Date(certificate.notAfter).toISOString()}`);
  }
  if (certificate.revokedAt !== null && at >= certificate.revokedAt) return no('impression_certificate_revoked', `claimed at ${new Date(at).toISOString()}, after certificate ${certificate.serial} was revoked at ${new Date(certificate.revokedAt).toISOString()}`);
  const held = dedupeById(records.impressions.filter((i) => i.requestId === grant.requestId && i.id !== impression.id)).facts;
  const ordinal = [...held, impression].sort(impressionOrder).findIndex((i) => i.id === impression.id) + 1;
  if (ordinal > grant.uses) return no('impression_beyond_uses', `use ${ordinal} of ${grant.uses} approved for request "${grant.requestId}"`);
  return ok({ ...valid.value, ordinal });
}
