import { jwkThumbprint, verifyRecordSignature, verifySignedRoster } from '@seal/shared';
import { encodeErrorReply, encodeOkReply } from '../protocol/envelope';
import type { RequestOf } from '../protocol/messages';
import { sealBindingSchema, TIME_RECORD_PURPOSE, type TimeRecord } from '../protocol/orgRecords';
import { installedRoster, sameRecord, type DeviceCore } from './DeviceCore';
import { sessionStandingRefusal } from './sessionStanding';

/**
 * Commands that change what the device trusts: provisioning (once), the seal binding, the
 * roster and the clock. All but provisioning need a record signed by the organisation key the
 * device was provisioned with, and none of them ever moves backwards.
 */

/** `provision`: trust on first use — the custodian's desk. Again with the same values: no-op. */
export async function provision(core: DeviceCore, body: RequestOf<'provision'>): Promise<Uint8Array> {
  const current = core.identity;
  if (current !== null) {
    if (current.deviceId === body.deviceId && (await jwkThumbprint(current.orgPublicJwk)) === (await jwkThumbprint(body.orgPublicKey))) {
      return encodeOkReply('provision', { publicKey: core.key.publicJwk });
    }
    return core.refuse('already_provisioned', `already provisioned as "${current.deviceId}"`);
  }
  core.identity = { deviceId: body.deviceId, orgPublicJwk: body.orgPublicKey, provisionedAt: core.now() };
  await core.save('identity');
  await core.record('boot', { firmware: core.settings.firmware });
  return encodeOkReply('provision', { publicKey: core.key.publicJwk });
}

/**
 * `bind_seal`: an org-signed binding for this device, newer than the one in force. A binding under
 * which the session in progress would no longer unlock (another seal, or a route its approvals no
 * longer meet) locks the device.
 */
export async function bindSeal(core: DeviceCore, body: RequestOf<'bind_seal'>): Promise<Uint8Array> {
  const identity = core.identity!;
  const verified = await verifyRecordSignature(identity.orgPublicJwk, body.binding, body.signature);
  if (!verified.ok) return core.refuse('binding_invalid', `binding signature: ${verified.error.message}`);
  const parsed = sealBindingSchema.safeParse(body.binding);
  if (!parsed.success) return core.refuse('binding_invalid', `binding: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const binding = parsed.data;
  if (binding.deviceId !== identity.deviceId) return core.refuse('wrong_device', `binding for device "${binding.deviceId}", this is "${identity.deviceId}"`);
  const current = core.binding?.record;
  if (current !== undefined && binding.version <= current.version) {
    if (sameRecord(binding, current)) return encodeOkReply('bind_seal', { sealId: binding.sealId, version: binding.version });
    return core.refuse('binding_stale', `binding version ${binding.version}, version ${current.version} is in force`);
  }
  core.binding = { record: binding, signature: body.signature };
  await core.save('binding');
  const entry = await core.record('seal_bound', { sealId: binding.sealId });
  // Another seal ends the session; the same seal under a new route, custodian or unit ends it when
  // its grant would no longer unlock (more approvals asked, an approver now the custodian).
  const session = core.session;
  if (session !== null && (current?.sealId !== binding.sealId || core.roster === null || (await sessionStandingRefusal(core.roster.roster, binding, session)) !== null)) await core.lock('remote');
  return encodeOkReply('bind_seal', { sealId: binding.sealId, version: binding.version, seq: entry.seq });
}

/**
 * `install_roster`: an org-signed roster, never older than the one in force; the same one again is
 * a no-op. A roster under which the session in progress would no longer unlock locks the device
 * at once, as a revocation list naming its holder or an approver does: the holder's passkey
 * revoked or gone, the holder deactivated or without `staff`, or an approval that no longer
 * counts (its approver's passkey revoked, the approver gone or without authority over the seal's
 * unit) — judged by the unlock's rules (`sessionStandingRefusal`).
 */
export async function installRoster(core: DeviceCore, body: RequestOf<'install_roster'>): Promise<Uint8Array> {
  const held = core.roster?.roster;
  const verified = await verifySignedRoster(body.signedRoster, core.identity!.orgPublicJwk, held === undefined ? {} : { minVersion: held.version });
  if (!verified.ok) {
    const { code, message } = verified.error;
    return core.refuse(code === 'stale_roster' ? 'roster_stale' : 'roster_invalid', `${code}: ${message}`);
  }
  const roster = verified.value;
  if (held !== undefined && roster.version === held.version) {
    if (sameRecord(roster, held)) return encodeOkReply('install_roster', { version: roster.version });
    return core.refuse('roster_conflict', `a different roster with version ${roster.version} is already installed`);
  }
  const signature = (body.signedRoster as { signature: string }).signature;
  core.roster = await installedRoster({ roster, signature });
  await core.save('roster');
  const entry = await core.record('roster_installed', { rosterVersion: roster.version, rosterSha256: core.roster.sha256 });
  const session = core.session;
  if (session !== null && core.binding !== null && (await sessionStandingRefusal(roster, core.binding.record, session)) !== null) await core.lock('remote');
  return encodeOkReply('install_roster', { version: roster.version, seq: entry.seq });
}

/** `set_time`: an org-signed "it is `at` now" for this device; the clock only moves forward. */
export async function setTime(core: DeviceCore, body: RequestOf<'set_time'>): Promise<Uint8Array> {
  const identity = core.identity!;
  if (body.deviceId !== identity.deviceId) return core.refuse('wrong_device', `time record for device "${body.deviceId}", this is "${identity.deviceId}"`);
  const record: TimeRecord = { purpose: TIME_RECORD_PURPOSE, deviceId: body.deviceId, at: body.at };
  const verified = await verifyRecordSignature(identity.orgPublicJwk, record, body.signature);
  if (!verified.ok) return core.refuse('time_invalid', `time record signature: ${verified.error.message}`);
  const previous = core.now();
  const { lastTimeAt } = core.clockState;
  if (lastTimeAt === body.at) return encodeOkReply('set_time', { previous, now: previous });
  if (lastTimeAt !== null && body.at < lastTimeAt) return core.refuse('time_backwards', `time record ${body.at} is older than the last one accepted (${lastTimeAt})`);
  if (body.at < previous) return core.refuse('time_backwards', `time record ${body.at} is behind the device clock ${previous}: the clock never goes back`);
  core.clockState = { offsetMs: body.at - core.clock.now(), lastTimeAt: body.at };
  await core.save('clock');
  const entry = await core.record('time_set', { previous, source: 'app' });
  return encodeOkReply('set_time', { previous, now: core.now(), seq: entry.seq });
}

/** The reply for a command that needs provisioning first. */
export const notProvisioned = (): Uint8Array => encodeErrorReply('not_provisioned', { message: 'the device is not provisioned' });
