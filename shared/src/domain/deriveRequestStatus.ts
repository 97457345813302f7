import { can } from '../policy/can';
import type { ApprovalRoute } from './approvalRoute';
import type { Cancellation } from './cancellation';
import { checkApprovals, type ApprovalCheck } from './checkApprovals';
import { compareText } from './compare';
import { decisionTerms, type Decision } from './decision';
import { dedupeBy, dedupeById } from './dedupeById';
import { deviceEventId, type DeviceEvent, type StampEvent } from './deviceEvent';
import { isInsideGeofence } from './geo';
import type { ElectronicGrant } from './electronicGrant';
import { electronicGrantMismatch } from './electronicGrantRules';
import { impressionViews, useOrdinals, type ImpressionView } from './impressionUses';

export type { ImpressionView } from './impressionUses';
import type { Grant } from './grant';
import type { Impression } from './impression';
import { grantMismatch } from './grantMismatch';
import type { DeviceEventId, DeviceId, GrantId, RequestId, UserId } from './ids';
import { unitChain, type Units } from './orgTree';
import type { Millis } from './primitives';
import type { RequestAnomaly, RequestAnomalyKind, RequestStatus } from './requestStatus';
import type { Seal, SealStatus } from './seal';
import type { SealStatusChange } from './sealStatusChange';
import { sealStatusAt, sealStatusTimeline, type SealStatusTimeline } from './sealStatusTimeline';
import { isWithinWindow, type UseRequest } from './useRequest';
import type { User } from './user';

/**
 * Everything known about one request. The records (request, seal, route, users, units) are the
 * current merged versions; the fact lists may arrive in any order, with copies, and may include
 * facts about other requests, seals and devices (they are ignored). Facts are assumed verified at
 * the door (schemas, signatures, device log chains); this function judges what they add up to.
 */
export interface RequestFacts {
  readonly request: UseRequest;
  readonly seal: Seal;
  readonly route: ApprovalRoute;
  readonly users: readonly User[];
  readonly units: Units;
  readonly decisions: readonly Decision[];
  readonly cancellations: readonly Cancellation[];
  readonly grants: readonly Grant[];
  readonly deviceEvents: readonly DeviceEvent[];
  readonly sealChanges: readonly SealStatusChange[];
  /** Electronic grants (electronic seals only; absent = none). */
  readonly electronicGrants?: readonly ElectronicGrant[];
  /** Electronic impressions: each is a use, counted with the stamps (absent = none). */
  readonly impressions?: readonly Impression[];
}

/** One stamp under the request, as judged. Every stamp tied to the request is listed. */
export interface StampView {
  readonly eventId: DeviceEventId;
  readonly deviceId: DeviceId;
  readonly seq: number;
  readonly at: Millis;
  readonly grantId: GrantId | null;
  /** 1-based position among the request's stamps, ordered by (at, deviceId, seq). */
  readonly ordinal: number;
  /** True when the stamp has no anomaly. */
  readonly authorised: boolean;
  readonly anomalies: readonly RequestAnomalyKind[];
}

/** A request's derived state at `now` (see {@link deriveRequestStatus}). Plain JSON, sorted throughout. */
export interface RequestView {
  readonly requestId: RequestId;
  readonly status: RequestStatus;
  readonly approvals: ApprovalCheck;
  /** `usesRequested` once approved, else 0. */
  readonly usesApproved: number;
  /** Uses made under the request (all of them): stamps and electronic impressions. */
  readonly usesConsumed: number;
  /** Uses without any anomaly. */
  readonly usesAuthorised: number;
  /** Uses the device may still make: approved minus consumed, never below 0. */
  readonly usesRemaining: number;
  /** The cancellation that counts (the earliest valid one), if any. */
  readonly cancellation: { readonly id: string; readonly actorId: UserId; readonly at: Millis } | null;
  /** The seal's status at `now`. */
  readonly sealStatus: SealStatus | null;
  /** Grants that keep to the request's terms. */
  readonly grantIds: readonly GrantId[];
  readonly stamps: readonly StampView[];
  readonly impressions: readonly ImpressionView[];
  readonly anomalies: readonly RequestAnomaly[];
}

const stampOrder = (a: StampEvent, b: StampEvent): number => a.at - b.at || compareText(a.deviceId, b.deviceId) || a.seq - b.seq;

/** When the seal's current run of not being active began (null when active at `now`). */
function inactiveSince(timeline: SealStatusTimeline | null, seal: Seal, now: Millis): Millis | null {
  if (timeline === null) return seal.status === 'active' ? null : 0;
  let since: Millis | null = timeline.initial === 'active' ? null : 0;
  for (const step of timeline.steps) {
    if (step.at > now) break;
    if (step.status === 'active') since = null;
    else since ??= step.at;
  }
  return since;
}

/**
 * A request's status and anomalies, derived from its facts at time `now` — never stored. Pure,
 * ORDER-INDEPENDENT and DUPLICATE-INSENSITIVE: facts are deduplicated by id (device events by
 * `deviceId:seq`; two bodies under one id keep the smallest canonical one and raise
 * `fact_conflict`) and sorted deterministically before anything is judged.
 *
 * Precedence, first match wins (docs/adr/001-derived-request-status.md gives the reasons):
 * 1. `rejected` — an eligible approver's counted verdict is reject (a veto, whatever the clocks:
 *    approvals and rejections from different approvers are not ordered by time). An approver who
 *    decided twice counts once, and as rejecting if either decision rejects (`checkApprovals`).
 * 2. `completed` — approved, and `usesRequested` stamps were made without any anomaly. A later
 *    cancellation or seal revocation does not undo what was done properly.
 * 3. `cancelled` — a valid cancellation exists (by the requester, or an admin in scope): it wins
 *    over an approval made concurrently offline. The earliest valid cancellation counts; stamps at
 *    or after it are `stamp_after_cancellation`.
 * 4. past the window (`now > notAfter`): `halted` when the seal's current inactive run began
 *    within the window, else `expired`.
 * 5. `halted` — the seal is not active at `now` (e.g. revoked while a grant is in use). Stamps
 *    made while it was inactive are `stamp_while_seal_inactive`; if it becomes active again
 *    (suspended → active), the request resumes.
 * 6. `pending` — approvals not yet sufficient.
 * 7. `in_use` — approved and at least one stamp made; else 8. `approved`.
 *
 * A stamp that happened is a fact and is never lost: every stamp tied to the request (by request
 * id, or by one of its grants) is listed in `stamps`, with its anomalies. Stamps are ordered by
 * (at, deviceId, seq); the ones past `usesRequested` are `stamp_beyond_approved_uses`, so more
 * stamps than uses is always an anomaly, whatever else is wrong with them. Electronic impressions
 * are uses too (ADR 008): numbered with the stamps by time, judged by the same rules against the
 * request's electronic grants, plus `impression_wrong_document` for a PDF other than the approved.
 */
export function deriveRequestStatus(facts: RequestFacts, now: Millis): RequestView {
  const { request, seal, route, units } = facts;
  const anomalies: RequestAnomaly[] = [];
  const flag = (kind: RequestAnomalyKind, ref: string, message: string) => anomalies.push({ kind, ref, message });
  const conflicts = (ids: readonly string[]) => ids.forEach((id) => flag('fact_conflict', id, `fact "${id}" arrived with two different bodies`));

  const decisions = dedupeById(facts.decisions.filter((d) => d.payload.requestId === request.id));
  const cancellations = dedupeById(facts.cancellations.filter((c) => c.requestId === request.id));
  const grants = dedupeById(facts.grants.filter((g) => g.requestId === request.id));
  const changes = dedupeById(facts.sealChanges.filter((c) => c.sealId === request.sealId));
  const grantIds = new Set<string>(grants.facts.map((g) => g.id));
  const stampEvents = dedupeBy(
    facts.deviceEvents.filter((e): e is StampEvent => e.type === 'stamp' && (e.payload.requestId === request.id || (e.payload.grantId !== null && grantIds.has(e.payload.grantId)))),
    deviceEventId,
  );
  const electronicGrants = dedupeById((facts.electronicGrants ?? []).filter((g) => g.requestId === request.id));
  const impressionFacts = dedupeById((facts.impressions ?? []).filter((i) => i.requestId === request.id));
  [decisions, cancellations, grants, changes, stampEvents, electronicGrants, impressionFacts].forEach((set) => conflicts(set.conflicts));

  // Approvals.
  const approvals = checkApprovals(
    { terms: decisionTerms(request), route, sealUnitChain: unitChain(seal.unitId, units), custodianId: seal.custodianId, users: facts.users },
    decisions.facts,
  );
  for (const skipped of approvals.ignored) flag('ignored_decision', skipped.decisionId, skipped.message);
  for (const approverId of approvals.conflictingApprovers) {
    const reject = decisions.facts.find((d) => d.approverId === approverId && approvals.countedDecisionIds.includes(d.id))!;
    flag('conflicting_decisions', reject.id, `approver "${approverId}" both approved and rejected: the rejection counts`);
  }
  const approved = approvals.outcome === 'approved';

  // Cancellation: the earliest valid one.
  const usersById = new Map(facts.users.map((user) => [user.id, user]));
  const validCancellations = cancellations.facts.filter((c) => {
    if (c.actorId === request.requesterId) return true;
    const actor = usersById.get(c.actorId);
    const permit = actor === undefined ? undefined : can(actor, 'request.cancel', { unitId: request.unitId, requesterId: request.requesterId }, units);
    if (permit?.ok === true) return true;
    flag('ignored_cancellation', c.id, permit === undefined ? `cancellation by unknown user "${c.actorId}"` : permit.error.message);
    return false;
  });
  const cancellation = validCancellations.sort((a, b) => a.at - b.at || compareText(a.id, b.id))[0] ?? null;

  // Grants that keep to the request's terms.
  const keeps = (id: string, mismatch: string | null): boolean => (mismatch === null ? true : (flag('grant_mismatch', id, mismatch), false));
  const validGrants = grants.facts.filter((grant) => keeps(grant.id, grantMismatch(grant, request)));
  const validElectronicGrants = electronicGrants.facts.filter((grant) => keeps(grant.id, electronicGrantMismatch(grant, request)));

  // The seal's status over time.
  const timeline = changes.facts.length > 0 ? sealStatusTimeline(changes.facts) : null;
  const statusAt = (at: Millis): SealStatus | null => (timeline === null ? seal.status : sealStatusAt(timeline, at));

  // Uses: stamps and impressions, numbered together by time (stamps first on a tie).
  const sortedStamps = [...stampEvents.facts].sort(stampOrder);
  const sortedImpressions = [...impressionFacts.facts].sort((a, b) => a.claimedAt - b.claimedAt || compareText(a.id, b.id));
  const ordinals = useOrdinals(sortedStamps.map((e) => e.at), sortedImpressions.map((i) => i.claimedAt));

  // Stamps.
  const stamps: StampView[] = sortedStamps.map((event, index) => {
    const eventId = deviceEventId(event);
    const ordinal = ordinals.stamps[index]!;
    const kinds: RequestAnomalyKind[] = [];
    const note = (kind: RequestAnomalyKind, message: string) => {
      kinds.push(kind);
      flag(kind, eventId, `stamp ${eventId} at ${event.at}: ${message}`);
    };
    const grant = validGrants.find((g) => g.id === event.payload.grantId && g.deviceId === event.deviceId);
    if (!approved) note('stamp_without_approval', `request is ${approvals.outcome}, not approved`);
    if (grant === undefined) note('stamp_without_grant', `no grant of this request for device "${event.deviceId}" is named "${event.payload.grantId ?? 'none'}"`);
    if (!isWithinWindow(event.at, request.window) || (grant !== undefined && !isWithinWindow(event.at, grant.window))) {
      note('stamp_outside_window', `outside the window ${request.window.notBefore}–${request.window.notAfter}`);
    }
    if (cancellation !== null && event.at >= cancellation.at) note('stamp_after_cancellation', `request was cancelled at ${cancellation.at}`);
    const sealStatus = statusAt(event.at);
    if (sealStatus !== 'active') note('stamp_while_seal_inactive', `seal "${seal.id}" was ${sealStatus ?? 'not yet created'}`);
    const fence = request.place.geofence;
    if (fence !== undefined && event.payload.position !== undefined && !isInsideGeofence(event.payload.position, fence)) {
      note('stamp_outside_geofence', 'position outside the request geofence');
    }
    if (ordinal > request.usesRequested) note('stamp_beyond_approved_uses', `use ${ordinal} of ${request.usesRequested} approved`);
    return { eventId, deviceId: event.deviceId, seq: event.seq, at: event.at, grantId: event.payload.grantId, ordinal, authorised: kinds.length === 0, anomalies: kinds };
  });

  const impressions = impressionViews(sortedImpressions, ordinals.impressions, {
    request, approvalOutcome: approvals.outcome, grants: validElectronicGrants, cancellationAt: cancellation?.at ?? null, statusAt, sealId: seal.id, flag,
  });

  const usesAuthorised = stamps.filter((s) => s.authorised).length + impressions.filter((i) => i.authorised).length;
  const usesConsumed = stamps.length + impressions.length;
  const usesApproved = approved ? request.usesRequested : 0;
  const halt = inactiveSince(timeline, seal, now);
  const status: RequestStatus = (() => {
    if (approvals.outcome === 'rejected') return 'rejected';
    if (approved && usesAuthorised >= request.usesRequested) return 'completed';
    if (cancellation !== null) return 'cancelled';
    if (now > request.window.notAfter) return halt !== null && halt <= request.window.notAfter ? 'halted' : 'expired';
    if (halt !== null) return 'halted';
    if (!approved) return 'pending';
    return usesConsumed > 0 ? 'in_use' : 'approved';
  })();

  return {
    requestId: request.id,
    status,
    approvals,
    usesApproved,
    usesConsumed,
    usesAuthorised,
    usesRemaining: Math.max(0, usesApproved - usesConsumed),
    cancellation: cancellation === null ? null : { id: cancellation.id, actorId: cancellation.actorId, at: cancellation.at },
    sealStatus: statusAt(now),
    grantIds: [...validGrants.map((g) => g.id), ...validElectronicGrants.map((g) => g.id)],
    stamps,
    impressions,
    anomalies: anomalies.sort((a, b) => compareText(a.ref, b.ref) || compareText(a.kind, b.kind)),
  };
}
