/** Records and facts for integration tests, built the way the app builds them. */
import {
  decisionPayload, deviceEventHash, exportPublicJwk, GENESIS_PREV_HASH, signRecord, sealStatusChangeId,
  type DeviceEvent, type Role, type UnsignedDeviceEvent, type SealStatus, type UseRequest, type Verdict,
} from '@seal/shared';
import type { FactInput } from '../../app/src/store/factLog';
import type { RecordUpdate } from '../../app/src/store/recordEditor';
import type { Person } from './harness';

export const sealRecord = (id: string, unitId: string, custodianId: string, name = '合同专用章') => ({
  id, name, kind: 'contract', unitId, custodianId, createdAt: 1_790_000_000_000, form: 'electronic',
}) as never;

export const useRequest = (id: string, requesterId: string, unitId: string, sealId: string): UseRequest => ({
  id, requesterId, unitId, sealId,
  document: { title: '分包合同 Subcontract', sha256: 'ab'.repeat(32), pages: 3 },
  copies: 2, purpose: 'sign the subcontract', usesRequested: 2,
  window: { notBefore: 1_790_000_000_000, notAfter: 1_790_086_400_000 },
  place: { unitId },
  createdAt: 1_790_000_000_000,
}) as UseRequest;

/** A lifecycle change, keyed by its origin. */
export const sealMove = (sealId: string, from: SealStatus | null, to: SealStatus, actorId: string, actorRole: Role, at: number): FactInput<'seal_status_change'> => ({
  id: sealStatusChangeId(sealId as never, from, to, actorId as never, at), sealId, from, to, actorId, actorRole, reason: `${from ?? 'new'} → ${to}`, at,
}) as FactInput<'seal_status_change'>;

/** An approver's decision: the canonical payload signed with their passkey. */
export async function decision(approver: Person, request: UseRequest, verdict: Verdict, at: number): Promise<FactInput<'decision'>> {
  const payload = decisionPayload(request, verdict);
  return { approverId: approver.userId, payload, assertion: await approver.authenticator.signRecord(payload, approver.credentialId), at } as FactInput<'decision'>;
}

/** A device log entry signed with the device's key, as the device signs it. */
export async function signDeviceEntry(privateKey: CryptoKey, unsigned: UnsignedDeviceEvent): Promise<DeviceEvent> {
  return { ...unsigned, signature: await signRecord(privateKey, unsigned) };
}

/**
 * A smart-seal device's record as registration writes it (provisioned, holding no seal), with a
 * fresh public key: a seal is locked only in a device on record (`sealLockRefusal`).
 */
export async function deviceRecord(deviceId: string, unitId: string): Promise<Record<string, unknown>> {
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  return { id: deviceId, serial: `SN-${deviceId}`, publicKeyJwk: await exportPublicJwk(keys.publicKey), unitId, state: 'provisioned', sealId: null, provisionedAt: 1_790_000_000_000 };
}

/**
 * The device record's edit taking the seal `sealId` in, written with the seal's record as the app
 * writes it (`makeSeal`: `records.create('seal', record, facts, [holdingSeal(…)])`): the server
 * signs a binding, and HQ reads a device's log as a seal's, only for a device holding that seal by
 * its own record (`holdsSeal`).
 */
export const holdingSeal = (deviceId: string, sealId: string): RecordUpdate =>
  ({ kind: 'device', recordId: deviceId, edit: (doc: { state: string; sealId: string | null }) => {
    doc.state = 'bound';
    doc.sealId = sealId;
  } }) as unknown as RecordUpdate;

/** A device's log as the device signs it: `bodies` (type and payload) in order from seq 0, each chained to the one before, at `at + seq` ms. */
export async function chainedLog(privateKey: CryptoKey, deviceId: string, bodies: readonly { readonly type: string; readonly payload: unknown }[], at = 1_790_000_000_000): Promise<DeviceEvent[]> {
  const log: DeviceEvent[] = [];
  let prevHash = GENESIS_PREV_HASH;
  for (const [seq, body] of bodies.entries()) {
    const event = await signDeviceEntry(privateKey, { deviceId, seq, prevHash, at: at + seq, ...body } as UnsignedDeviceEvent);
    log.push(event);
    prevHash = await deviceEventHash(event);
  }
  return log;
}

/** A smart-seal device with a fresh key, and a signed, chained log of `length` entries. */
export async function deviceWithLog(deviceId: string, unitId: string, length: number) {
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const record = { id: deviceId, serial: `SN-${deviceId}`, publicKeyJwk: await exportPublicJwk(keys.publicKey), unitId, state: 'provisioned', sealId: null, provisionedAt: 1_790_000_000_000 } as never;
  const bodies = Array.from({ length }, (_, seq) => (seq === 0 ? { type: 'boot', payload: { firmware: '1.0.0' } } : { type: 'low_battery', payload: { percent: 100 - (seq % 100) } }));
  const log = await chainedLog(keys.privateKey, deviceId, bodies);
  return { record, log, privateKey: keys.privateKey };
}
