import {
  createSeal, holdsSeal, transitionSeal,
  type CreateSealRefusalCode, type Device, type Millis, type NewSeal, type RecordOf, type Seal, type SealRecord, type SealStatus, type SealTransitionRefusalCode, type Units, type User,
} from '@seal/shared';
import type { LocalStore } from '../../store/localStore';
import type { RecordUpdate } from '../../store/recordEditor';

/** Why the app would not make a seal change (nothing was written). */
export type SealActionCode = CreateSealRefusalCode | SealTransitionRefusalCode | 'device_unavailable' | 'not_physical';

/** A seal change the domain refused before anything was written; `code` says why, for the screen. */
export class SealActionError extends Error {
  override readonly name = 'SealActionError';
  constructor(readonly code: SealActionCode, message: string) {
    super(message);
  }
}

const recordOf = (seal: Seal): SealRecord => {
  const { status: _status, ...record } = seal;
  return record;
};

/**
 * The edit of a device record taking the seal `sealId` in, or letting the seal `leaving` go (with
 * `sealId` null). Made on the device as held when the write is made, not as the screen showed
 * it: a device that holds another seal by then refuses the write (nothing of it is kept), a device
 * that no longer names the seal leaving is left as it is, and one already holding the seal too.
 */
const holding = (sealId: string | null, leaving?: string) => (doc: Device): void => {
  if (sealId === null) {
    if (leaving === undefined || doc.sealId !== leaving) return;
    // A device retired or lost with the seal in it stays so; one in service is free again.
    if (doc.state === 'bound') doc.state = 'provisioned';
    doc.sealId = null;
    return;
  }
  if (doc.sealId === sealId && doc.state === 'bound') return;
  if (doc.sealId !== null && doc.sealId !== sealId) throw new SealActionError('device_unavailable', `device "${doc.id}" holds the seal "${doc.sealId}" now`);
  if (doc.state === 'retired' || doc.state === 'lost') throw new SealActionError('device_unavailable', `device "${doc.id}" is ${doc.state}`);
  doc.state = 'bound';
  doc.sealId = sealId as Device['sealId'];
};

/** The edit of the device `deviceId` holding `sealId` (or none), to be written with the seal's. */
const deviceHolding = (deviceId: string, sealId: string | null, leaving?: string): RecordUpdate => ({ kind: 'device', recordId: deviceId, edit: holding(sealId, leaving) } as RecordUpdate);

/** The held device a seal may be locked in: in service, and holding no other seal. */
function freeDevice(devices: readonly Device[], deviceId: string, sealId: string): Device {
  const device = devices.find((d) => d.id === deviceId);
  if (device === undefined || (device.sealId !== null && device.sealId !== sealId) || device.state === 'retired' || device.state === 'lost') {
    throw new SealActionError('device_unavailable', `expected a registered device in service that holds no other seal, got "${deviceId}"`);
  }
  return device;
}

/**
 * Makes a seal: `createSeal` validates it and the actor's permission and gives its creation
 * change. One write holds the record, then its creation move (the server wants the seal before
 * facts about it), then — for a seal locked in a device (one of the held `devices`, free) — the
 * device's record naming the seal: the app closing cannot leave a seal whose status nobody can
 * tell, nor a seal naming a device that does not name it back. With `awaitingApproval` (making a
 * seal of this kind here goes through an approval route, ADR 009) the creation change is NOT
 * written: the server writes it once the approvers approve the `create` governance request.
 */
export async function makeSeal(store: LocalStore, input: NewSeal, actor: User, reason: string, units: Units, devices: readonly Device[], awaitingApproval = false): Promise<SealRecord> {
  const made = createSeal(input, actor, reason, store.now(), units);
  if (!made.ok) throw new SealActionError(made.error.code, made.error.message);
  const record = recordOf(made.value.seal);
  if (record.form === 'physical' && record.deviceId !== null) freeDevice(devices, record.deviceId, record.id);
  const creation = awaitingApproval ? [] : [await store.facts.rowOf('seal_status_change', made.value.change, record.unitId)];
  const lockedIn = record.form === 'physical' && record.deviceId !== null ? [deviceHolding(record.deviceId, record.id)] : [];
  await store.records.create('seal', record, creation, lockedIn);
  return record;
}

/**
 * Moves a seal in its life cycle, with the reason given: one `seal_status_change` fact in the
 * seal's unit. `since` is when the seal's last move was made: a move must be made after it
 * (`judgeSealMove`), so a clock behind the one that made that move dates this one just after it.
 */
export async function moveSeal(store: LocalStore, seal: SealRecord, status: SealStatus, to: SealStatus, actor: User, reason: string, units: Units, since: Millis | null = null): Promise<void> {
  const at = since === null ? store.now() : Math.max(store.now(), since + 1);
  const moved = transitionSeal({ ...seal, status }, to, actor, reason, at, units);
  if (!moved.ok) throw new SealActionError(moved.error.code, moved.error.message);
  await store.facts.append('seal_status_change', moved.value, seal.unitId);
}

/**
 * Locks a physical seal in a device (or, with `null`, takes it out): the seal names the device,
 * the device names the seal, and a device it leaves names none. `devices` are the held device
 * records; the one chosen must be free or already hold this seal.
 */
export async function bindSeal(store: LocalStore, seal: SealRecord, deviceId: string | null, devices: readonly Device[]): Promise<void> {
  if (seal.form !== 'physical') throw new SealActionError('not_physical', `expected a physical seal to bind, got the electronic seal "${seal.id}"`);
  const next = deviceId === null ? undefined : freeDevice(devices, deviceId, seal.id);
  const previous = seal.deviceId;
  if (previous === deviceId) {
    // Locked in it already, but the device's record does not name the seal back (a write cut off
    // before both were one, or the device registered on a tablet that did not hold the seal yet):
    // its record takes the seal now, without which the server signs it no binding and no grant.
    if (next !== undefined && !holdsSeal(next, seal.id)) await store.records.updateTogether([deviceHolding(next.id, seal.id)]);
    return;
  }
  // One write: the seal, the device it leaves and the one it enters change together or not at all,
  // each as held when the write is made (the seal moved meanwhile, in another tab or by a pull:
  // the whole move is refused, rather than made from where the screen last showed it).
  await store.records.updateTogether([
    { kind: 'seal', recordId: seal.id, edit: (doc: RecordOf<'seal'>) => {
      if (doc.form !== 'physical') return;
      if ((doc.deviceId ?? null) !== previous) throw new SealActionError('device_unavailable', `the seal "${seal.id}" is locked in "${doc.deviceId ?? 'no device'}" now, not "${previous ?? 'no device'}"`);
      doc.deviceId = deviceId as typeof doc.deviceId;
    } } as RecordUpdate,
    ...(previous === null || devices.every((d) => d.id !== previous) ? [] : [deviceHolding(previous, null, seal.id)]),
    ...(next === undefined ? [] : [deviceHolding(next.id, seal.id)]),
  ]);
}
