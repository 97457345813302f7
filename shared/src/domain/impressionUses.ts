import type { ApprovalCheck } from './checkApprovals';
import type { ElectronicGrant } from './electronicGrant';
import type { GrantId } from './ids';
import type { Impression } from './impression';
import type { Millis } from './primitives';
import type { RequestAnomalyKind } from './requestStatus';
import type { SealStatus } from './seal';
import { isWithinWindow, type UseRequest } from './useRequest';

/** One electronic impression under the request, as judged (the counterpart of {@link StampView}). */
export interface ImpressionView {
  readonly impressionId: string;
  readonly grantId: GrantId;
  readonly at: Millis;
  /** 1-based position among the request's uses (stamps and impressions). */
  readonly ordinal: number;
  readonly authorised: boolean;
  readonly anomalies: readonly RequestAnomalyKind[];
}

/** The 1-based use numbers of time-sorted stamps and impressions, merged by time (a stamp first on a tie). */
export function useOrdinals(stampTimes: readonly Millis[], impressionTimes: readonly Millis[]): { stamps: number[]; impressions: number[] } {
  const stamps: number[] = [];
  const impressions: number[] = [];
  for (let n = 1; stamps.length + impressions.length < stampTimes.length + impressionTimes.length; n += 1) {
    const s = stamps.length;
    const i = impressions.length;
    const takeStamp = i >= impressionTimes.length || (s < stampTimes.length && stampTimes[s]! <= impressionTimes[i]!);
    (takeStamp ? stamps : impressions).push(n);
  }
  return { stamps, impressions };
}

/** What judging a request's impressions needs of {@link deriveRequestStatus}'s state. */
export interface ImpressionContext {
  readonly request: UseRequest;
  readonly approvalOutcome: ApprovalCheck['outcome'];
  readonly grants: readonly ElectronicGrant[];
  readonly cancellationAt: Millis | null;
  readonly statusAt: (at: Millis) => SealStatus | null;
  readonly sealId: string;
  readonly flag: (kind: RequestAnomalyKind, ref: string, message: string) => void;
}

/** Each impression judged as a use, by the stamp rules (ADR 001) plus the approved document's hash. */
export function impressionViews(sorted: readonly Impression[], ordinals: readonly number[], ctx: ImpressionContext): ImpressionView[] {
  const { request } = ctx;
  return sorted.map((impression, index): ImpressionView => {
    const ordinal = ordinals[index]!;
    const kinds: RequestAnomalyKind[] = [];
    const note = (kind: RequestAnomalyKind, message: string) => {
      kinds.push(kind);
      ctx.flag(kind, impression.id, `impression ${impression.id} at ${impression.claimedAt}: ${message}`);
    };
    const grant = ctx.grants.find((g) => g.id === impression.grantId && g.holderId === impression.holderId && g.sealId === impression.sealId);
    if (ctx.approvalOutcome !== 'approved') note('stamp_without_approval', `request is ${ctx.approvalOutcome}, not approved`);
    if (grant === undefined) note('stamp_without_grant', `no electronic grant of this request for holder "${impression.holderId}" is named "${impression.grantId}"`);
    if (impression.sourceSha256 !== request.document.sha256) note('impression_wrong_document', `applied to ${impression.sourceSha256}, not the approved ${request.document.sha256}`);
    if (!isWithinWindow(impression.claimedAt, request.window)) note('stamp_outside_window', `outside the window ${request.window.notBefore}–${request.window.notAfter}`);
    if (ctx.cancellationAt !== null && impression.claimedAt >= ctx.cancellationAt) note('stamp_after_cancellation', `request was cancelled at ${ctx.cancellationAt}`);
    const sealStatus = ctx.statusAt(impression.claimedAt);
    if (sealStatus !== 'active') note('stamp_while_seal_inactive', `seal "${ctx.sealId}" was ${sealStatus ?? 'not yet created'}`);
    if (ordinal > request.usesRequested) note('stamp_beyond_approved_uses', `use ${ordinal} of ${request.usesRequested} approved`);
    return { impressionId: impression.id, grantId: impression.grantId, at: impression.claimedAt, ordinal, authorised: kinds.length === 0, anomalies: kinds };
  });
}

