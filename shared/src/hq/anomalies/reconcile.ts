import type { DeviceId } from '../../domain/ids';
import { isWithinWindow, type UseRequest } from '../../domain/useRequest';
import { photosByStamp, stampPhotoKey, type AnomalyHistory, type HistoryPhoto } from './anomaly';
import { stampsOf, type StampRecord } from './stampsOf';

/** What became of a stamp's photo: held and matching, held with other bytes, absent, or never taken. */
export type PhotoState = 'matched' | 'mismatched' | 'missing' | 'none';

export interface ReconciledStamp extends StampRecord {
  readonly photo: PhotoState;
  /** Whether a grant issued for this request, device and seal covered it (and its time). */
  readonly granted: boolean;
}

/** A device's use counter (the highest `useIndex` it logged under a request) against the stamps in its log. */
export interface CounterCheck {
  readonly deviceId: DeviceId;
  readonly requestId: string;
  readonly counter: number;
  readonly logged: number;
  readonly balanced: boolean;
}

export interface RequestReconciliation {
  readonly requestId: string;
  readonly sealId: string;
  readonly unitId: string;
  readonly documentSha256: string;
  readonly requesterId: string;
  readonly approvers: readonly string[];
  readonly grants: readonly string[];
  readonly usesApproved: number;
  /** Stamps made under a valid grant of the request. */
  readonly usesRecorded: number;
  readonly stamps: readonly ReconciledStamp[];
  readonly holders: readonly string[];
  readonly photos: Readonly<Record<PhotoState, number>>;
  readonly counters: readonly CounterCheck[];
  /** `balanced` (uses ≤ approved, every stamp granted, every photo matched), else what is off. */
  readonly verdict: 'balanced' | 'over_use' | 'ungranted_stamps' | 'photo_problems';
}

export interface SealReconciliation {
  readonly sealId: string;
  readonly from: number;
  readonly to: number;
  readonly stamps: number;
  readonly granted: number;
  readonly ungranted: number;
  readonly byRequest: readonly { readonly requestId: string | null; readonly stamps: number; readonly usesApproved: number | null }[];
  readonly photos: Readonly<Record<PhotoState, number>>;
  readonly holders: readonly string[];
  readonly counters: readonly CounterCheck[];
}

const photoState = (stamp: StampRecord, photos: ReadonlyMap<string, HistoryPhoto>): PhotoState => {
  if (stamp.photoSha256 === null) return 'none';
  const held = photos.get(stampPhotoKey(stamp.deviceId, stamp.photoSha256));
  return held === undefined ? 'missing' : held.contentSha256 === held.sha256 ? 'matched' : 'mismatched';
};

const countPhotos = (stamps: readonly ReconciledStamp[]): Record<PhotoState, number> => {
  const counts: Record<PhotoState, number> = { matched: 0, mismatched: 0, missing: 0, none: 0 };
  for (const s of stamps) counts[s.photo] += 1;
  return counts;
};

function reconciledStamps(history: AnomalyHistory, keep: (s: StampRecord) => boolean): ReconciledStamp[] {
  const grants = new Map(history.grants.map((g) => [g.id as string, g]));
  const photos = photosByStamp(history.photos);
  return stampsOf(history.devices).filter(keep).map((s) => {
    const grant = s.grantId === null ? undefined : grants.get(s.grantId);
    const granted = grant !== undefined && grant.deviceId === s.deviceId && grant.requestId === s.requestId && (s.sealId === null || grant.sealId === s.sealId) && isWithinWindow(s.at, grant.window);
    return { ...s, photo: photoState(s, photos), granted };
  });
}

/** Per device and request: the counter the device kept against the stamps it logged. */
function counters(stamps: readonly ReconciledStamp[]): CounterCheck[] {
  const groups = new Map<string, ReconciledStamp[]>();
  for (const s of stamps) if (s.requestId !== null) groups.set(`${s.deviceId}\u0000${s.requestId}`, [...(groups.get(`${s.deviceId}\u0000${s.requestId}`) ?? []), s]);
  return [...groups.values()].map((group) => {
    const counter = Math.max(0, ...group.map((s) => s.useIndex ?? 0));
    return { deviceId: group[0]!.deviceId, requestId: group[0]!.requestId!, counter, logged: group.length, balanced: counter === group.length };
  });
}

/** Reconciles one request: approved uses against what the devices recorded, photos, document, holders, counters. */
export function reconcileRequest(history: AnomalyHistory, request: UseRequest): RequestReconciliation {
  const grantIds = new Set(history.grants.filter((g) => g.requestId === request.id).map((g) => g.id as string));
  const stamps = reconciledStamps(history, (s) => s.requestId === request.id || (s.grantId !== null && grantIds.has(s.grantId)));
  const usesRecorded = stamps.filter((s) => s.granted).length;
  const photos = countPhotos(stamps);
  const verdict = usesRecorded > request.usesRequested ? 'over_use' : stamps.some((s) => !s.granted) ? 'ungranted_stamps' : photos.matched === stamps.length ? 'balanced' : 'photo_problems';
  return {
    requestId: request.id, sealId: request.sealId, unitId: request.unitId, documentSha256: request.document.sha256, requesterId: request.requesterId,
    approvers: [...new Set(history.decisions.filter((d) => d.payload.requestId === request.id && d.payload.verdict === 'approve').map((d) => d.approverId))].sort(),
    grants: [...grantIds].sort(),
    usesApproved: grantIds.size > 0 ? request.usesRequested : 0,
    usesRecorded, stamps, photos, verdict,
    holders: [...new Set(stamps.map((s) => s.holderId).filter((h): h is NonNullable<typeof h> => h !== null))].sort(),
    counters: counters(stamps),
  };
}

/** Reconciles one seal over `[from, to]`: its stamps by request against approved uses, photos, holders, counters. */
export function reconcileSeal(history: AnomalyHistory, sealId: string, from: number, to: number): SealReconciliation {
  const stamps = reconciledStamps(history, (s) => s.sealId === sealId && s.at >= from && s.at <= to);
  const requests = new Map(history.requests.map((r) => [r.id as string, r]));
  const byRequest = new Map<string | null, number>();
  for (const s of stamps) byRequest.set(s.requestId, (byRequest.get(s.requestId) ?? 0) + 1);
  return {
    sealId, from, to, stamps: stamps.length,
    granted: stamps.filter((s) => s.granted).length,
    ungranted: stamps.filter((s) => !s.granted).length,
    byRequest: [...byRequest.entries()].sort(([a], [b]) => String(a).localeCompare(String(b))).map(([requestId, n]) => ({ requestId, stamps: n, usesApproved: requestId === null ? null : requests.get(requestId)?.usesRequested ?? null })),
    photos: countPhotos(stamps),
    holders: [...new Set(stamps.map((s) => s.holderId).filter((h): h is NonNullable<typeof h> => h !== null))].sort(),
    counters: counters(stamps),
  };
}
