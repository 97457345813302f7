import {
  approvalRouteFor, can, canonicalJson, compareText, decisionPayload, deriveRequestStatus,
  type Decision, type DeviceEvent, type ElectronicGrant, type Grant, type Impression, type Millis, type OrgUnit, type RequestFacts, type RequestView,
  type Seal, type SealRecord, type SealStatus, type StampEvent, type UseRequest, type User, type Verdict,
} from '@seal/shared';
import { sealStatusOf, statusChangeRowId } from './sealStatusOf';

/**
 * Everything this replica holds that a request's state is derived from: the facts
 * `deriveRequestStatus` takes, for every request at once.
 */
export interface RequestBookInput extends Pick<RequestFacts, 'sealChanges' | 'decisions' | 'cancellations' | 'grants' | 'users'> {
  readonly requests: readonly UseRequest[];
  readonly seals: readonly SealRecord[];
  /** Row ids the server refused (a refused lifecycle change takes no effect). */
  readonly refusedRowIds: ReadonlySet<string>;
  /** Stamp entries of device logs (other device events are ignored). */
  readonly stamps: readonly DeviceEvent[];
  readonly units: readonly OrgUnit[];
  /** Electronic grants and the impressions made under them (electronic seals). */
  readonly electronicGrants: readonly ElectronicGrant[];
  readonly impressions: readonly Impression[];
}

/** One request as the screens show it: its seal, its derived view (when the seal is held), its facts. */
export interface RequestEntry {
  /** The request's id: what lists key their entries by. */
  readonly id: string;
  readonly request: UseRequest;
  /**
   * The request's seal as its requests are judged at `now`; `undefined` while this replica does
   * not hold it. A seal whose status is not known (`sealStatus` null) is judged as active.
   */
  readonly seal: Seal | undefined;
  /** The seal's status at `now`; `null` while not known (no lifecycle fact held), as the seal screens say. */
  readonly sealStatus: SealStatus | null;
  readonly view: RequestView | undefined;
  /** Decisions about the request, earliest first. */
  readonly decisions: readonly Decision[];
  readonly grants: readonly Grant[];
  /** Electronic grants of the request (an electronic seal's), as held. */
  readonly electronicGrants: readonly ElectronicGrant[];
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
 * seal's kind), newest first. Lifecycle changes the server refused are left out. A seal whose
 * status is not known yet (no lifecycle fact held) is not offered for new requests, but nothing
 * held speaks against it either: its requests are not halted (judged as if it were active), and
 * `sealStatus` says "not known" until its facts arrive.
 */
export function requestEntries(input: RequestBookInput, now: Millis): RequestEntry[] {
  const sealsById = new Map(input.seals.map((s) => [s.id as string, s]));
  const counted = input.refusedRowIds.size === 0 ? input.sealChanges : input.sealChanges.filter((c) => !input.refusedRowIds.has(statusChangeRowId(c)));
  const changesBySeal = groupBy(counted, (c) => c.sealId);
  const decisionsByRequest = groupBy(input.decisions, (d) => d.payload.requestId);
  const cancellationsByRequest = groupBy(input.cancellations, (c) => c.requestId);
  const grantsByRequest = groupBy(input.grants, (g) => g.requestId);
  const electronicByRequest = groupBy(input.electronicGrants, (g) => g.requestId);
  const impressionsByRequest = groupBy(input.impressions, (i) => i.requestId);
  const stampEvents = input.stamps.filter((e): e is StampEvent => e.type === 'stamp');
  const stampsByRequest = groupBy(stampEvents, (e) => e.payload.requestId);
  const stampsByGrant = groupBy(stampEvents, (e) => e.payload.grantId);

  const entries = input.requests.map((request): RequestEntry => {
    const decisions = [...(decisionsByRequest.get(request.id) ?? [])].sort((a, b) => a.at - b.at || compareText(a.id, b.id));
    const grants = grantsByRequest.get(request.id) ?? [];
    const electronicGrants = electronicByRequest.get(request.id) ?? [];
    const record = sealsById.get(request.sealId);
    if (record === undefined) return { id: request.id, request, seal: undefined, sealStatus: null, view: undefined, decisions, grants, electronicGrants };
    const sealChanges = changesBySeal.get(request.sealId) ?? [];
    const sealStatus = sealStatusOf(sealChanges, new Set(), now);
    const seal = { ...record, status: sealStatus ?? 'active' };
    const deviceEvents = [...new Set([...(stampsByRequest.get(request.id) ?? []), ...grants.flatMap((g) => stampsByGrant.get(g.id) ?? [])])];
    const view = deriveRequestStatus(
      {
        request, seal, route: approvalRouteFor(seal.kind), users: input.users, units: input.units,
        decisions, cancellations: cancellationsByRequest.get(request.id) ?? [], grants, deviceEvents, sealChanges,
        electronicGrants, impressions: impressionsByRequest.get(request.id) ?? [],
      },
      now,
    );
    return { id: request.id, request, seal, sealStatus, view: { ...view, sealStatus }, decisions, grants, electronicGrants };
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

/**
 * The verdict `userId` gave on the request as `checkApprovals` counts it, if any: a reject
 * outweighs an approve and stands whatever terms it signed; an approve counts only for the
 * request's current terms (edited since, the request asks them again, and is in their inbox).
 */
export function verdictOf(entry: RequestEntry, userId: string): Verdict | undefined {
  const own = entry.decisions.filter((d) => d.approverId === userId);
  if (own.length === 0) return undefined;
  if (own.some((d) => d.payload.verdict === 'reject')) return 'reject';
  const current = canonicalJson(decisionPayload(entry.request, 'approve'));
  return own.some((d) => canonicalJson(d.payload) === current) ? 'approve' : undefined;
}

/** An approver's inbox: pending requests they may decide, not their own, not decided by them yet; oldest first. */
export function awaitingDecision(entries: readonly RequestEntry[], user: User, units: readonly OrgUnit[]): RequestEntry[] {
  return entries
    .filter((e) => e.view?.status === 'pending' && e.request.requesterId !== user.id && verdictOf(e, user.id) === undefined && mayDecide(user, e, units))
    .sort((a, b) => a.request.createdAt - b.request.createdAt || compareText(a.request.id, b.request.id));
}

/** When `userId` last decided the request (`-Infinity` when they did not). */
export function lastDecisionAt(entry: RequestEntry, userId: string): number {
  return Math.max(...entry.decisions.filter((d) => d.approverId === userId).map((d) => d.at));
}

/** The requests `userId` decided, most recently decided first. */
export function decidedBy(entries: readonly RequestEntry[], userId: string): RequestEntry[] {
  const lastAt = (e: RequestEntry): number => lastDecisionAt(e, userId);
  return entries.filter((e) => verdictOf(e, userId) !== undefined).sort((a, b) => lastAt(b) - lastAt(a) || compareText(a.request.id, b.request.id));
}
