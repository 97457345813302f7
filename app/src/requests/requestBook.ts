import {
  approvalRouteFor, can, checkApprovals, compareText, deriveRequestStatus, grantBody, sealStatusAt, sealStatusTimeline,
  type Cancellation, type Decision, type DeviceEvent, type Grant, type GrantBody, type Millis, type OrgUnit, type RequestView,
  type Seal, type SealRecord, type SealStatus, type SealStatusChange, type StampEvent, type UseRequest, type User, type Verdict,
} from '@seal/shared';

/** Everything this replica holds that a request's state is derived from. */
export interface RequestBookInput {
  readonly requests: readonly UseRequest[];
  readonly seals: readonly SealRecord[];
  readonly sealChanges: readonly SealStatusChange[];
  readonly decisions: readonly Decision[];
  readonly cancellations: readonly Cancellation[];
  readonly grants: readonly Grant[];
  /** Stamp entries of device logs (other device events are ignored). */
  readonly stamps: readonly DeviceEvent[];
  readonly users: readonly User[];
  readonly units: readonly OrgUnit[];
}

/** One request as the screens show it: its seal, its derived view (when the seal is held), its facts. */
export interface RequestEntry {
  readonly request: UseRequest;
  /** The request's seal with its status derived at `now`; `undefined` while this replica does not hold it. */
  readonly seal: Seal | undefined;
  readonly view: RequestView | undefined;
  /** Decisions about the request, earliest first. */
  readonly decisions: readonly Decision[];
  readonly grants: readonly Grant[];
}

/**
 * A seal record (its mutable fields) with its status at `now`, replayed from its lifecycle facts
 * (`sealStatusTimeline`). `null` when no lifecycle fact is held, or before the seal was created.
 */
export function sealStatusOf(changes: readonly SealStatusChange[], now: Millis): SealStatus | null {
  if (changes.length === 0) return null;
  return sealStatusAt(sealStatusTimeline(changes), now);
}

const groupBy = <T>(items: readonly T[], key: (item: T) => string | null | undefined): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === null || k === undefined) continue;
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [item]);
    else group.push(item);
  }
  return groups;
};

/**
 * Every held request with its derived state at `now` (`deriveRequestStatus`, the route of its
 * seal's kind), newest first. A seal whose lifecycle is not held yet is taken as its record says
 * nothing against it (active): its status shows once its facts arrive.
 */
export function requestEntries(input: RequestBookInput, now: Millis): RequestEntry[] {
  const sealsById = new Map(input.seals.map((s) => [s.id as string, s]));
  const changesBySeal = groupBy(input.sealChanges, (c) => c.sealId);
  const decisionsByRequest = groupBy(input.decisions, (d) => d.payload.requestId);
  const cancellationsByRequest = groupBy(input.cancellations, (c) => c.requestId);
  const grantsByRequest = groupBy(input.grants, (g) => g.requestId);
  const stampEvents = input.stamps.filter((e): e is StampEvent => e.type === 'stamp');
  const stampsByRequest = groupBy(stampEvents, (e) => e.payload.requestId);
  const stampsByGrant = groupBy(stampEvents, (e) => e.payload.grantId);

  const entries = input.requests.map((request): RequestEntry => {
    const decisions = [...(decisionsByRequest.get(request.id) ?? [])].sort((a, b) => a.at - b.at || compareText(a.id, b.id));
    const grants = grantsByRequest.get(request.id) ?? [];
    const record = sealsById.get(request.sealId);
    if (record === undefined) return { request, seal: undefined, view: undefined, decisions, grants };
    const sealChanges = changesBySeal.get(request.sealId) ?? [];
    const seal = { ...record, status: sealStatusOf(sealChanges, now) ?? 'active' };
    const deviceEvents = [...new Set([...(stampsByRequest.get(request.id) ?? []), ...grants.flatMap((g) => stampsByGrant.get(g.id) ?? [])])];
    const view = deriveRequestStatus(
      {
        request, seal, route: approvalRouteFor(seal.kind), users: input.users, units: input.units,
        decisions, cancellations: cancellationsByRequest.get(request.id) ?? [], grants, deviceEvents, sealChanges,
      },
      now,
    );
    return { request, seal, view, decisions, grants };
  });
  return entries.sort((a, b) => b.request.createdAt - a.request.createdAt || compareText(a.request.id, b.request.id));
}

/** May `user` decide this request: an approver over both the request's unit (what the server checks) and its seal's unit (what counts). */
export function mayDecide(user: User, entry: RequestEntry, units: readonly OrgUnit[]): boolean {
  const { request, seal } = entry;
  if (seal === undefined) return false;
  const target = { requesterId: request.requesterId };
  return can(user, 'request.decide', { ...target, unitId: request.unitId }, units).ok && can(user, 'request.decide', { ...target, unitId: seal.unitId }, units).ok;
}

/** The verdict `userId` gave on the request (a reject outweighs an approve, as `checkApprovals` counts), if any. */
export function verdictOf(entry: RequestEntry, userId: string): Verdict | undefined {
  const own = entry.decisions.filter((d) => d.approverId === userId);
  if (own.length === 0) return undefined;
  return own.some((d) => d.payload.verdict === 'reject') ? 'reject' : 'approve';
}

/** An approver's inbox: pending requests they may decide, not their own, not decided by them yet; oldest first. */
export function awaitingDecision(entries: readonly RequestEntry[], user: User, units: readonly OrgUnit[]): RequestEntry[] {
  return entries
    .filter((e) => e.view?.status === 'pending' && e.request.requesterId !== user.id && verdictOf(e, user.id) === undefined && mayDecide(user, e, units))
    .sort((a, b) => a.request.createdAt - b.request.createdAt || compareText(a.request.id, b.request.id));
}

/** The requests `userId` decided, most recently decided first. */
export function decidedBy(entries: readonly RequestEntry[], userId: string): RequestEntry[] {
  const lastAt = (e: RequestEntry): number => Math.max(...e.decisions.filter((d) => d.approverId === userId).map((d) => d.at));
  return entries.filter((e) => verdictOf(e, userId) !== undefined).sort((a, b) => lastAt(b) - lastAt(a) || compareText(a.request.id, b.request.id));
}

/**
 * The grant a device needs for an approved request, when one can be assembled: the route is met
 * (`checkApprovals` with the given decisions), the seal is physical and bound to a device. Built
 * from the decisions that count, so every replica holding the same decisions builds the same
 * grant (same content id). `undefined` otherwise.
 */
export function assembleGrant(request: UseRequest, seal: Seal, decisions: readonly Decision[], users: readonly User[], units: readonly OrgUnit[]): GrantBody | undefined {
  if (seal.form !== 'physical' || seal.deviceId === null) return undefined;
  const approvals = checkApprovals(approvalRouteFor(seal.kind), request, seal, decisions, users, units);
  if (approvals.outcome !== 'approved') return undefined;
  const counted = new Set<string>(approvals.countedDecisionIds);
  const approving = decisions.filter((d) => counted.has(d.id) && d.payload.verdict === 'approve');
  const body = grantBody(request, seal, approving);
  return body.ok ? body.value : undefined;
}

/**
 * Grants the requester's app should assemble: its own requests that are approved (not cancelled,
 * not past their window, seal active) with no grant held yet.
 */
export function missingGrants(entries: readonly RequestEntry[], requesterId: string, users: readonly User[], units: readonly OrgUnit[]): GrantBody[] {
  const bodies: GrantBody[] = [];
  for (const entry of entries) {
    if (entry.request.requesterId !== requesterId || entry.view?.status !== 'approved' || entry.view.grantIds.length > 0 || entry.seal === undefined) continue;
    const body = assembleGrant(entry.request, entry.seal, entry.decisions, users, units);
    if (body !== undefined) bodies.push(body);
  }
  return bodies;
}
