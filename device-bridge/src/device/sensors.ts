import { isInsideGeofence, sha256, toHex } from '@seal/shared';
import { wellFormedText } from '../protocol/wellFormedText';
import type { DeviceCore } from './DeviceCore';
import type { PressOutcome } from './ports';

/** Battery points above the low mark before `low_battery` can be logged again. */
const BATTERY_HYSTERESIS = 5;

const refused = async (core: DeviceCore, code: 'locked' | 'window_expired' | 'no_position' | 'uses_exhausted', message: string): Promise<PressOutcome> => {
  const session = core.session;
  const seq = await core.logRefusal(code, message, { requestId: session?.requestId ?? null, grantId: session?.grantId ?? null });
  return { stamped: false, code, seq: seq ?? null };
};

/**
 * A press of the seal. Locked: refused and logged (the mechanism did not move). Unlocked: the
 * window (device clock) and the geofence (device position) are checked again; the request's
 * counter is advanced and made durable BEFORE the impression — a power cut can lose a use, never
 * add one — then the photo is taken and the stamp logged with its hash and position. The last
 * allowed use locks the device.
 */
export async function press(core: DeviceCore, page: number): Promise<PressOutcome> {
  if (core.identity === null) return { stamped: false, code: 'not_provisioned', seq: null };
  await core.expireSession();
  const session = core.session;
  if (session === null) return refused(core, 'locked', `press on page ${page} while locked`);
  const now = core.now();
  if (now > session.notAfter) {
    const outcome = await refused(core, 'window_expired', `press after the window closed at ${session.notAfter}`);
    await core.lock('window_closed');
    return outcome;
  }
  const position = core.hardware.position();
  if (session.geofence !== undefined) {
    if (position === null) return refused(core, 'no_position', 'press without a GNSS fix inside a geofenced grant');
    if (!isInsideGeofence(position, session.geofence)) {
      const breach = await core.record('geofence_breach', { position, geofence: session.geofence });
      await core.lock('geofence_breach');
      return { stamped: false, code: 'outside_geofence', seq: breach.seq };
    }
  }
  const used = core.usesMade(session.requestId);
  if (used >= session.usesAllowed) {
    const outcome = await refused(core, 'uses_exhausted', `all ${session.usesAllowed} uses of request "${session.requestId}" are made`);
    await core.lock('uses_exhausted');
    return outcome;
  }
  const useIndex = used + 1;
  await core.saveCounter({ requestId: session.requestId, used: useIndex, approvedNotAfter: session.approvedNotAfter, holderId: session.holderId });
  const photo = core.hardware.capturePhoto({ requestId: session.requestId, page, at: now, useIndex });
  const entry = await core.record('stamp', {
    requestId: session.requestId,
    grantId: session.grantId,
    useIndex,
    photoSha256: toHex(await sha256(photo)),
    ...(position === null ? {} : { position }),
  });
  await core.storage.put(`photo/${entry.seq}`, photo);
  core.meta = { ...core.meta, stampCount: core.meta.stampCount + 1 };
  await core.save('meta');
  session.lastActivityAt = now;
  const usesLeft = session.usesAllowed - useIndex;
  if (usesLeft === 0) await core.lock('uses_exhausted');
  return { stamped: true, seq: entry.seq, useIndex, usesLeft };
}

/** The case was opened: a `tamper` entry, and the device locks. */
export async function caseOpened(core: DeviceCore, detail: string): Promise<void> {
  if (core.identity === null) return;
  await core.record('tamper', { detail: wellFormedText(detail, 500) || 'case opened' });
  await core.lock('tamper');
}

/** A new position: leaving the geofence while unlocked logs a breach and locks. */
export async function positionChanged(core: DeviceCore): Promise<void> {
  await core.expireSession();
  const session = core.session;
  const position = core.hardware.position();
  if (core.identity === null || session?.geofence === undefined || position === null) return;
  if (isInsideGeofence(position, session.geofence)) return;
  await core.record('geofence_breach', { position, geofence: session.geofence });
  await core.lock('geofence_breach');
}

/** A new battery level: crossing below the low mark logs `low_battery` once until recharged. */
export async function batteryChanged(core: DeviceCore): Promise<void> {
  if (core.identity === null) return;
  const percent = Math.max(0, Math.min(100, Math.round(core.hardware.batteryPercent())));
  const { lowBatteryPercent } = core.settings;
  if (percent < lowBatteryPercent && !core.meta.lowBatteryLatched) {
    core.meta = { ...core.meta, lowBatteryLatched: true };
    await core.save('meta');
    await core.record('low_battery', { percent });
  } else if (percent >= lowBatteryPercent + BATTERY_HYSTERESIS && core.meta.lowBatteryLatched) {
    core.meta = { ...core.meta, lowBatteryLatched: false };
    await core.save('meta');
  }
}
