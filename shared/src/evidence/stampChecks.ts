import { verifyRecordSignature } from '../crypto/verifyRecordSignature';
import type { P256PublicJwk } from '../crypto/p256PublicJwk';
import type { DeviceEvent, DeviceEventOf, StampEvent } from '../domain/deviceEvent';
import { distanceM, isInsideGeofence } from '../domain/geo';
import type { Grant } from '../domain/grant';
import { isWithinWindow } from '../domain/useRequest';
import { fromBase64Url, toHex } from '../encoding/base64url';
import { sha256 } from '../encoding/canonical';
import type { EvidenceBundle } from './bundleSchema';
import type { CheckList } from './report';
import type { VerifiedRoster } from './rosterChecks';

const iso = (ms: number): string => new Date(ms).toISOString();
/** How far after a signed time record the device may log its `time_set` (the command's own run). */
const TIME_SET_SLACK_MS = 60_000;

type Stamp = EvidenceBundle['stamps'][number];

/** The last entry of a type before `seq`, and the entries after it up to `seq`. */
function lastBefore<T extends DeviceEvent['type']>(log: readonly DeviceEvent[], seq: number, type: T): DeviceEventOf<T> | undefined {
  for (let i = log.length - 1; i >= 0; i--) {
    const entry = log[i]!;
    if (entry.seq < seq && entry.type === type) return entry as DeviceEventOf<T>;
  }
  return undefined;
}

/** The unlock that opened the session the stamp was made in names the grant, and its holder. */
function checkUnlock(stamp: StampEvent, grant: Grant, log: readonly DeviceEvent[], subject: string, list: CheckList): boolean {
  const unlock = lastBefore(log, stamp.seq, 'unlock');
  if (unlock === undefined) return list.fail('stamp.grant', subject, 'no unlock precedes the stamp in the device log');
  if (unlock.payload.grantId !== grant.id) return list.fail('stamp.grant', subject, `the device was last unlocked (entry ${unlock.seq}) with grant "${unlock.payload.grantId}", not the stamp's "${grant.id}"`);
  if (unlock.payload.holderId !== grant.holderId) return list.fail('stamp.grant', subject, `the unlock (entry ${unlock.seq}) names holder "${unlock.payload.holderId}", the grant "${grant.holderId}"`);
  if (!isWithinWindow(stamp.at, grant.window)) return list.fail('stamp.grant', subject, `stamped at ${iso(stamp.at)} (device clock), outside the grant's window`);
  const useIndex = stamp.payload.useIndex ?? 0;
  if (useIndex < 1 || useIndex > grant.uses) return list.fail('stamp.grant', subject, `use ${useIndex} of a grant allowing ${grant.uses}`);
  return list.pass('stamp.grant', subject, `the device accepted grant ${grant.id.slice(0, 12)}… for holder ${grant.holderId} (unlock, entry ${unlock.seq}); use ${useIndex} of ${grant.uses}, within its window`);
}

/** The device judged the grant under the roster it had installed (by hash, in its own log): which one. */
function noteDeviceRoster(stamp: StampEvent, log: readonly DeviceEvent[], rosters: readonly VerifiedRoster[], subject: string, list: CheckList): void {
  const unlock = lastBefore(log, stamp.seq, 'unlock');
  const installed = unlock === undefined ? undefined : lastBefore(log, unlock.seq, 'roster_installed');
  if (installed === undefined) return list.warn('stamp.device_roster', subject, 'the log shows no roster installed before the unlock');
  const held = rosters.find((r) => r.sha256 === installed.payload.rosterSha256);
  if (held === undefined) return list.warn('stamp.device_roster', subject, `the device judged the grant under roster v${installed.payload.rosterVersion} (entry ${installed.seq}), which the bundle does not carry`);
  list.pass('stamp.device_roster', subject, `the device judged the grant under roster v${held.roster.version} (entry ${installed.seq}; the bundle carries it, same hash)`);
}

/** The photo's bytes hash to what the device signed in the stamp entry. */
async function checkPhoto(entry: StampEvent, stamp: Stamp, subject: string, list: CheckList): Promise<boolean> {
  const named = entry.payload.photoSha256;
  if (named === null) return list.fail('stamp.photo', subject, 'the device recorded no photo hash for this stamp');
  if (stamp.photo === null) return list.fail('stamp.photo', subject, `the photo (SHA-256 ${named}) is missing from the bundle`);
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(stamp.photo.bytes);
  } catch {
    return list.fail('stamp.photo', subject, 'the photo bytes are not base64url');
  }
  const actual = toHex(await sha256(bytes));
  if (actual !== named || stamp.photo.sha256 !== named) return list.fail('stamp.photo', subject, `the photo's bytes hash to ${actual}; the device signed ${named}: the photo was changed`);
  return list.pass('stamp.photo', subject, `${bytes.length} bytes (${stamp.photo.mime}), SHA-256 ${named}, as the device signed`);
}

/** Where the stamp was made against the grant's geofence. */
function checkPlace(entry: StampEvent, grant: Grant, subject: string, list: CheckList): boolean {
  const position = entry.payload.position;
  if (grant.geofence === undefined) {
    return list.pass('stamp.place', subject, position === undefined ? 'no geofence in the grant; no position logged' : `no geofence in the grant; logged at ${position.lat},${position.lon}`);
  }
  if (position === undefined) return list.fail('stamp.place', subject, 'the grant has a geofence but the stamp logs no position');
  const distance = Math.round(distanceM(position, grant.geofence));
  if (!isInsideGeofence(position, grant.geofence)) return list.fail('stamp.place', subject, `${distance} m from the fence centre (±${position.accuracyM ?? 0} m): outside the ${grant.geofence.radiusM} m geofence`);
  return list.pass('stamp.place', subject, `${distance} m from the fence centre (±${position.accuracyM ?? 0} m), inside the ${grant.geofence.radiusM} m geofence`);
}

/**
 * The device clock's trust at the stamp: set from an org-signed time record since the last boot
 * (a `time_set` the device logged with that record's time) — or not, which is reported, not failed.
 */
async function checkClock(entry: StampEvent, bundle: EvidenceBundle, orgKey: P256PublicJwk, subject: string, list: CheckList): Promise<boolean> {
  const set = lastBefore(bundle.log, entry.seq, 'time_set');
  const boot = lastBefore(bundle.log, entry.seq, 'boot');
  if (set === undefined || (boot !== undefined && boot.seq > set.seq)) {
    list.warn('stamp.clock', subject, `not trusted: the device clock was not set from a signed time record${boot === undefined ? '' : ` since it booted (entry ${boot.seq})`}; the stamp's time ${iso(entry.at)} is the device's word`);
    return true;
  }
  const record = bundle.timeRecords.find((t) => t.record.deviceId === bundle.device.id && set.at >= t.record.at && set.at - t.record.at <= TIME_SET_SLACK_MS);
  if (record === undefined) {
    list.warn('stamp.clock', subject, `not trusted: the clock was set at entry ${set.seq} (${iso(set.at)}) but the bundle carries no signed time record for it`);
    return true;
  }
  const signed = await verifyRecordSignature(orgKey, record.record, record.signature);
  if (!signed.ok) return list.fail('stamp.clock', subject, `the time record for entry ${set.seq} does not verify under the organisation key: ${signed.error.message}`);
  list.pass('stamp.clock', subject, `trusted: set from an org-signed time record (${iso(record.record.at)}) at entry ${set.seq}, ${entry.seq - set.seq} entries and ${Math.round((entry.at - set.at) / 1000)} s before the stamp`);
  return true;
}

/** Every check of one stamp, given its grant (already checked on its own). */
export async function checkStamp(stamp: Stamp, bundle: EvidenceBundle, orgKey: P256PublicJwk, rosters: readonly VerifiedRoster[], list: CheckList): Promise<boolean> {
  const subject = `stamp ${bundle.device.id}:${stamp.seq}`;
  const entry = bundle.log.find((e) => e.seq === stamp.seq);
  if (entry === undefined || entry.type !== 'stamp') return list.fail('stamp.entry', subject, `entry ${stamp.seq} is ${entry === undefined ? 'not in the log' : `a ${entry.type}, not a stamp`}`);
  if (entry.payload.requestId !== bundle.request.id) return list.fail('stamp.entry', subject, `the device logged it under request "${entry.payload.requestId}", not "${bundle.request.id}"`);
  list.pass('stamp.entry', subject, `use ${entry.payload.useIndex ?? '?'} under request ${bundle.request.id}, at ${iso(entry.at)} (device clock)`);
  const grant = bundle.grants.find((g) => g.id === entry.payload.grantId);
  const results: boolean[] = [];
  if (grant === undefined) {
    results.push(list.fail('stamp.grant', subject, entry.payload.grantId === null ? 'the device stamped without a grant' : `grant "${entry.payload.grantId}" is not in the bundle`));
  } else {
    results.push(checkUnlock(entry, grant, bundle.log, subject, list));
    noteDeviceRoster(entry, bundle.log, rosters, subject, list);
    results.push(checkPlace(entry, grant, subject, list));
  }
  results.push(await checkPhoto(entry, stamp, subject, list));
  results.push(await checkClock(entry, bundle, orgKey, subject, list));
  return results.every(Boolean);
}
