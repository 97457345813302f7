import type { DeviceEvent, DeviceEventOf } from '../../domain/deviceEvent';
import type { Grant } from '../../domain/grant';
import type { GrantId, RequestId, SealId } from '../../domain/ids';
import { isWithinWindow } from '../../domain/useRequest';
import { factRowId } from '../../sync/rows';
import { ANOMALY_SEVERITY, isWithinWorkingHours, type AnomalyKind, type AnomalyRules } from './anomalyRules';
import { deviceEntryRowId, stampPhotoKey, type Anomaly, type HistoryDevice, type HistoryPhoto } from './anomaly';
import type { HeldEntry } from './deviceLogAnomalies';

/** A stamp made under a valid grant: a use of its request, counted against the approved uses. */
export interface CountedUse {
  readonly requestId: RequestId;
  readonly deviceId: string;
  readonly seq: number;
  readonly at: number;
  readonly grantId: GrantId;
}

export interface DeviceEventContext {
  readonly grants: ReadonlyMap<string, Grant>;
  /** Photos held for a device's stamps, by `stampPhotoKey` (device and hash). */
  readonly photos: ReadonlyMap<string, HistoryPhoto>;
  readonly rules: AnomalyRules;
  readonly now: number;
}

const MINUTE = 60_000;

/** Why a stamp made during an unlock is not covered by a valid grant, or `null` when it is. */
function grantProblem(stamp: DeviceEventOf<'stamp'>, grant: Grant | undefined, boundSeal: SealId | null): string | null {
  const { grantId, requestId } = stamp.payload;
  if (grantId === null) return 'stamped with no grant';
  if (grant === undefined) return `stamped under grant "${grantId}", which no one issued`;
  if (grant.deviceId !== stamp.deviceId) return `stamped under grant "${grantId}" issued for device "${grant.deviceId}"`;
  if (boundSeal !== null && grant.sealId !== boundSeal) return `stamped under grant "${grantId}" for seal "${grant.sealId}", but the device holds "${boundSeal}"`;
  if (requestId !== grant.requestId) return `stamped for request "${requestId}" under grant "${grantId}" of request "${grant.requestId}"`;
  if (!isWithinWindow(stamp.at, grant.window)) return `stamped outside grant "${grantId}"'s window`;
  return null;
}

/** Accumulates anomalies of one device: cases keyed by root cause, evidence merged. */
class DeviceCases {
  readonly found = new Map<string, { anomaly: Anomaly; evidence: Set<string> }>();
  constructor(private readonly device: HistoryDevice) {}

  add(kind: AnomalyKind, anchor: string, event: DeviceEvent, message: string, extra: { requestId?: RequestId | null; sealId?: SealId | null; evidence?: readonly string[] } = {}): void {
    const caseKey = `${kind}:${this.device.id}:${anchor}`;
    const evidence = [deviceEntryRowId(this.device.id, event.seq), ...(extra.evidence ?? [])];
    const held = this.found.get(caseKey);
    if (held) {
      for (const e of evidence) held.evidence.add(e);
      return;
    }
    this.found.set(caseKey, {
      anomaly: {
        caseKey, kind, severity: ANOMALY_SEVERITY[kind], unitId: this.device.unitId, deviceId: this.device.id,
        sealId: extra.sealId ?? this.device.sealId, requestId: extra.requestId ?? null, at: event.at, message, evidence: [],
      },
      evidence: new Set(evidence),
    });
  }

  list(): Anomaly[] {
    return [...this.found.values()].map(({ anomaly, evidence }) => ({ ...anomaly, evidence: [...evidence].sort() }));
  }
}

function photoAnomalies(cases: DeviceCases, stamp: DeviceEventOf<'stamp'>, context: DeviceEventContext, sealId: SealId | null): void {
  const { photoSha256, requestId } = stamp.payload;
  const anchor = String(stamp.seq);
  if (photoSha256 === null) {
    cases.add('photo_missing', anchor, stamp, `stamp ${stamp.seq} recorded no photo`, { requestId, sealId });
    return;
  }
  const photo = context.photos.get(stampPhotoKey(stamp.deviceId, photoSha256));
  if (photo === undefined) {
    if (context.now - stamp.at > context.rules.photoGraceHours * 3_600_000) {
      cases.add('photo_missing', anchor, stamp, `the photo ${photoSha256.slice(0, 12)}… of stamp ${stamp.seq} never arrived`, { requestId, sealId });
    }
  } else if (photo.contentSha256 !== photo.sha256) {
    cases.add('photo_mismatch', anchor, stamp, `the photo held for stamp ${stamp.seq} hashes to ${photo.contentSha256.slice(0, 12)}…, not ${photoSha256.slice(0, 12)}…`, { requestId, sealId, evidence: [`blob:${photoSha256}`] });
  }
}

/**
 * Refusals a device logs for photo reads that an honest tablet meets in its routine: a link with
 * no read session (or an expired one) asking for a stamp's photo — a tablet recording a backlog
 * does, for every stamp in it. They are not refused unlocks, and are not counted in bursts (the
 * entries stay in the log, read as they are). Every other refusal counts: a reader refused a right
 * (`reader_not_entitled`, after a passkey that verified), one unknown or revoked, an assertion
 * that does not verify, and every refused unlock or press.
 */
const ROUTINE_READ_REFUSALS: ReadonlySet<string> = new Set(['read_unauthenticated']);

/** Refusals each within the window of the one before, at least `count` of them: one case per burst. */
function refusalBursts(cases: DeviceCases, refusals: readonly DeviceEvent[], rules: AnomalyRules): void {
  const sorted = [...refusals].sort((a, b) => a.at - b.at || a.seq - b.seq);
  let burst: DeviceEvent[] = [];
  const close = () => {
    if (burst.length >= rules.refusals.count) {
      const first = burst[0]!;
      for (const r of burst) cases.add('refusal_burst', String(first.seq), r, `${burst.length} refused unlocks within ${Math.round((burst.at(-1)!.at - first.at) / MINUTE)} min`);
    }
    burst = [];
  };
  for (const refusal of sorted) {
    if (burst.length > 0 && refusal.at - burst.at(-1)!.at > rules.refusals.windowMinutes * MINUTE) close();
    burst.push(refusal);
  }
  close();
}

/**
 * Walks one device's trusted entries in seq order: alarms it logged (tamper, geofence breach),
 * stamps made while locked (forced open: the seal came out without an unlock), stamps during an
 * unlock with no valid grant, uses outside working hours (one case per unlock), photos, clock
 * skew (a `time_set` that moved the clock by more than the tolerance; entries stamped later than
 * the server received them, one case per run until the next `time_set`), refusal bursts.
 * Returns its anomalies and the uses counted against requests.
 */
export function deviceEventAnomalies(device: HistoryDevice, entries: readonly HeldEntry[], context: DeviceEventContext): { anomalies: Anomaly[]; uses: CountedUse[] } {
  const cases = new DeviceCases(device);
  const uses: CountedUse[] = [];
  const refusals: DeviceEvent[] = [];
  const tolerance = context.rules.clockSkewToleranceMinutes * MINUTE;
  let boundSeal: SealId | null = device.sealId;
  let session: { unlockSeq: number; offHoursAnchor: string | null } | null = null;
  let aheadRun: string | null = null;
  for (const { event, receivedAt } of entries) {
    if (receivedAt !== undefined && event.at - receivedAt > tolerance && event.type !== 'time_set') {
      aheadRun ??= String(event.seq);
      cases.add('clock_skew', aheadRun, event, `device clock ahead of the server's receipt by ${Math.round((event.at - receivedAt) / MINUTE)} min`);
    }
    switch (event.type) {
      case 'seal_bound': boundSeal = event.payload.sealId; break;
      case 'unlock': session = { unlockSeq: event.seq, offHoursAnchor: null }; break;
      case 'lock': session = null; break;
      case 'refusal': if (!ROUTINE_READ_REFUSALS.has(event.payload.code)) refusals.push(event); break;
      case 'tamper': cases.add('tamper', String(event.seq), event, `tamper: ${event.payload.detail}`, { sealId: boundSeal }); break;
      case 'geofence_breach': cases.add('geofence_breach', String(event.seq), event, 'the device left its geofence while unlocked', { sealId: boundSeal }); break;
      case 'time_set': {
        aheadRun = null;
        const moved = event.at - event.payload.previous;
        if (Math.abs(moved) > tolerance) cases.add('clock_skew', String(event.seq), event, `device clock was ${Math.round(Math.abs(moved) / MINUTE)} min ${moved > 0 ? 'behind' : 'ahead'} when set (${event.payload.source})`);
        break;
      }
      case 'stamp': {
        const { requestId, grantId } = event.payload;
        photoAnomalies(cases, event, context, boundSeal);
        const grant = grantId === null ? undefined : context.grants.get(grantId);
        const problem = grantProblem(event, grant, boundSeal);
        const grantEvidence = grant ? [factRowId('grant', grant.id)] : [];
        if (problem === null) uses.push({ requestId: grant!.requestId, deviceId: device.id, seq: event.seq, at: event.at, grantId: grant!.id });
        if (session === null) {
          cases.add('forced_open', String(event.seq), event, `stamp ${event.seq} was made while the device was locked (no unlock before it)`, { requestId, sealId: boundSeal, evidence: grantEvidence });
        } else if (problem !== null) {
          cases.add('unauthorised_stamp', grantId === null ? `seq:${event.seq}` : `grant:${grantId}`, event, problem, { requestId, sealId: boundSeal, evidence: [deviceEntryRowId(device.id, session.unlockSeq), ...grantEvidence] });
        } else if (!isWithinWorkingHours(event.at, context.rules.workingHours)) {
          session.offHoursAnchor ??= String(event.seq);
          cases.add('off_hours', session.offHoursAnchor, event, 'stamped outside working hours', { requestId, sealId: boundSeal, evidence: [deviceEntryRowId(device.id, session.unlockSeq), ...grantEvidence] });
        }
        break;
      }
      default: break;
    }
  }
  refusalBursts(cases, refusals, context.rules);
  return { anomalies: cases.list(), uses };
}
