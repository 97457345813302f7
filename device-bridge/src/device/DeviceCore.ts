import {
  canonicalJson,
  hashRecordHex,
  rosterView,
  type DeviceEventOf,
  type DeviceEventType,
  type DeviceId,
  type Geofence,
  type GrantId,
  type RequestId,
  type Roster,
  type RosterView,
  type SignedRevocationList,
  type UserId,
} from '@seal/shared';
import { FRAMING_CODES, type DeviceErrorCode } from '../protocol/codes';
import { encodeErrorReply } from '../protocol/envelope';
import { wellFormedText } from '../protocol/wellFormedText';
import type { UnlockEvidence } from '../protocol/grantWire';
import type { SealBinding, Signed } from '../protocol/orgRecords';
import { DeviceLog } from './DeviceLog';
import { clockStateSchema, countersSchema, identitySchema, metaSchema, storedBindingSchema, storedRevocationsSchema, storedRosterSchema, type ClockState, type Identity, type Meta, type UseCounters } from './persisted';
import type { ClockPort, DeviceKey, HardwarePort, KeyPort, StoragePort } from './ports';
import { readJson, writeJson } from './stateStore';
import { EMPTY_USE_COUNTERS, recordUse, usesMadeUnder, type UseRecord } from './useCounters';

/** Tunables of the reference device (defaults in `DEFAULT_DEVICE_SETTINGS`). */
export interface DeviceSettings {
  readonly firmware: string;
  /** How long a nonce lives (device clock). */
  readonly nonceTtlMs: number;
  /** An unlocked device with no press for this long locks itself. */
  readonly sessionIdleMs: number;
  /** Below this battery level the device logs `low_battery` (once, until recharged). */
  readonly lowBatteryPercent: number;
  readonly maxMessageBytes: number;
  /**
   * Requests whose use counters the device keeps. When full, the one whose approved window ends
   * earliest is evicted and the watermark rises (`useCounters.ts`): refused, never forgotten.
   */
  readonly maxRequestCounters: number;
  /** How long a read session (photos) lasts on its link, by the device clock. */
  readonly readSessionMs: number;
}

export const DEFAULT_DEVICE_SETTINGS: DeviceSettings = {
  firmware: 'seal-ref 1.0.0',
  nonceTtlMs: 180_000,
  sessionIdleMs: 10 * 60_000,
  lowBatteryPercent: 15,
  maxMessageBytes: 32 * 1024,
  maxRequestCounters: 512,
  readSessionMs: 10 * 60_000,
};

/** An unlocked session (RAM only: the device boots locked). */
export interface Session {
  readonly requestId: RequestId;
  readonly grantId: GrantId;
  readonly holderId: UserId;
  /** The passkey the holder unlocked with: a newer roster that revokes it, or drops the holder, ends the session. */
  readonly holderCredentialId: string;
  /** Who approved the grant (their approvals verified): a revocation list naming one ends the session. */
  readonly approvedBy: readonly string[];
  /**
   * The grant and approvals it was opened with: a newer roster or binding re-judges them by the
   * unlock's own rule (`sessionStandingRefusal`), and a grant that would no longer unlock ends it.
   */
  readonly evidence: UnlockEvidence;
  readonly usesAllowed: number;
  readonly notAfter: number;
  /** The end of the request's approved window (what the approvers signed): the counter's lifetime. */
  readonly approvedNotAfter: number;
  readonly geofence?: Geofence;
  lastActivityAt: number;
}

/** The installed roster with what the checks derive from it once. */
export interface InstalledRoster {
  readonly signed: { readonly roster: Roster; readonly signature: string };
  readonly roster: Roster;
  readonly sha256: string;
  /** The roster as the domain reads it (`rosterView`: the users and tree the app and the server read). */
  readonly view: RosterView;
}

/** Where a refusal is logged and what it concerns. */
export interface RefusalContext {
  readonly requestId?: RequestId | null;
  readonly grantId?: GrantId | null;
}

const NOT_LOGGED: readonly DeviceErrorCode[] = [...FRAMING_CODES, 'bad_message', 'unsupported_version', 'unknown_command', 'not_provisioned', 'no_such_entry', 'internal_error'];

/**
 * The device's state and the primitives every command and sensor handler shares: the clock,
 * the log, persistence, refusals, locking. One instance per device; handlers run one at a time.
 */
export class DeviceCore {
  identity: Identity | null = null;
  binding: Signed<SealBinding> | null = null;
  roster: InstalledRoster | null = null;
  /** The org-signed revocation list in force (PROTOCOL.md §5), checked before every unlock. */
  revocations: SignedRevocationList | null = null;
  clockState: ClockState = { offsetMs: 0, lastTimeAt: null };
  counters: UseCounters = EMPTY_USE_COUNTERS;
  meta: Meta = { stampCount: 0, lowBatteryLatched: false };
  session: Session | null = null;
  nonce: { value: Uint8Array; expiresAt: number } | null = null;
  /** Recently consumed nonces, newest first (to tell a replay from a stranger). */
  spentNonces: Uint8Array[] = [];
  lastUnlock: { nonce: Uint8Array; code: number; seq?: number } | null = null;

  private constructor(
    readonly storage: StoragePort,
    readonly clock: ClockPort,
    readonly hardware: HardwarePort,
    readonly key: DeviceKey,
    readonly log: DeviceLog,
    readonly settings: DeviceSettings,
  ) {}

  /** Loads state; generates the device key on first start. Throws `StorageCorruptError` on corrupt state. */
  static async load(ports: { storage: StoragePort; clock: ClockPort; hardware: HardwarePort; keys: KeyPort }, settings: DeviceSettings): Promise<DeviceCore> {
    const { storage } = ports;
    const key = (await ports.keys.load()) ?? (await ports.keys.generate());
    const core = new DeviceCore(storage, ports.clock, ports.hardware, key, await DeviceLog.open(storage, key), settings);
    core.identity = (await readJson(storage, 'identity', identitySchema)) ?? null;
    core.binding = (await readJson(storage, 'binding', storedBindingSchema)) ?? null;
    const signed = await readJson(storage, 'roster', storedRosterSchema);
    if (signed !== undefined) core.roster = await installedRoster(signed);
    core.revocations = (await readJson(storage, 'revocations', storedRevocationsSchema)) ?? null;
    core.clockState = (await readJson(storage, 'clock', clockStateSchema)) ?? core.clockState;
    core.counters = (await readJson(storage, 'counters', countersSchema)) ?? EMPTY_USE_COUNTERS;
    core.meta = (await readJson(storage, 'meta', metaSchema)) ?? core.meta;
    return core;
  }

  /** The device clock: the RTC plus the correction from the last accepted time record. */
  now(): number {
    return this.clock.now() + this.clockState.offsetMs;
  }

  get deviceId(): DeviceId | null {
    return this.identity?.deviceId ?? null;
  }

  /** Appends an event to the log (the device must be provisioned). */
  async record<T extends DeviceEventType>(type: T, payload: DeviceEventOf<T>['payload']): Promise<DeviceEventOf<T>> {
    if (this.identity === null) throw new Error(`cannot log "${type}" before provisioning`);
    return this.log.append(this.identity.deviceId, this.now(), type, payload);
  }

  /**
   * Logs a refusal (when it is of a logged kind and the device can log) and returns its seq. The
   * message may quote what the sender sent, so it is made well-formed before the log encodes it.
   */
  async logRefusal(code: DeviceErrorCode, message: string, context: RefusalContext = {}): Promise<number | undefined> {
    if (this.identity === null || NOT_LOGGED.includes(code)) return undefined;
    const entry = await this.record('refusal', { code, message: wellFormedText(message, 500), requestId: context.requestId ?? null, grantId: context.grantId ?? null });
    return entry.seq;
  }

  /** Logs a refusal and encodes the error reply that surfaces it. */
  async refuse(code: DeviceErrorCode, message: string, context: RefusalContext = {}): Promise<Uint8Array> {
    const seq = await this.logRefusal(code, message, context);
    return encodeErrorReply(code, { message, ...(seq === undefined ? {} : { seq }) });
  }

  /** Ends the session, if any: logs the lock and drives the motor. Returns the lock entry's seq. */
  async lock(cause: DeviceEventOf<'lock'>['payload']['cause']): Promise<number | undefined> {
    if (this.session === null) return undefined;
    this.session = null;
    this.hardware.setLocked(true);
    return (await this.record('lock', { cause })).seq;
  }

  /** Locks a session that ran out of time: idle too long, or past its window. */
  async expireSession(): Promise<void> {
    const session = this.session;
    if (session === null) return;
    const now = this.now();
    if (now > session.notAfter) await this.lock('window_closed');
    else if (now - session.lastActivityAt > this.settings.sessionIdleMs) await this.lock('timeout');
  }

  usesMade(requestId: string): number {
    return usesMadeUnder(this.counters, requestId);
  }

  /**
   * Persists a use of a request, keyed to its approved window; a full table evicts the
   * earliest-ending other entry and raises the watermark, in the same write (`useCounters.ts`).
   */
  async saveCounter(use: UseRecord): Promise<void> {
    this.counters = recordUse(this.counters, use, this.settings.maxRequestCounters);
    await writeJson(this.storage, 'counters', this.counters);
  }

  save(key: 'identity' | 'binding' | 'roster' | 'revocations' | 'clock' | 'meta'): Promise<void> {
    const value = { identity: this.identity, binding: this.binding, roster: this.roster?.signed, revocations: this.revocations, clock: this.clockState, meta: this.meta }[key];
    return writeJson(this.storage, key, value);
  }
}

/** A verified roster as the device keeps it. */
export async function installedRoster(signed: { roster: Roster; signature: string }): Promise<InstalledRoster> {
  return { signed, roster: signed.roster, sha256: await hashRecordHex(signed.roster), view: rosterView(signed.roster) };
}

/** Whether two records are the same bytes in canonical form. */
export const sameRecord = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);
