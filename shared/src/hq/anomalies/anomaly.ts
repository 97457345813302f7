import type { P256PublicJwk } from '../../crypto/p256PublicJwk';
import type { Decision } from '../../domain/decision';
import type { DeviceState } from '../../domain/device';
import type { Grant } from '../../domain/grant';
import type { DeviceId, RequestId, SealId, UnitId } from '../../domain/ids';
import type { UseRequest } from '../../domain/useRequest';
import { factRowId } from '../../sync/rows';
import type { AnomalyKind, AnomalySeverity } from './anomalyRules';

/** One device log entry as received, with when it reached the server when that is known. */
export interface HistoryDeviceEntry {
  /** The entry as stored (checked here: it may be malformed, forged or a second body for a seq). */
  readonly event: unknown;
  /** When the entry reached the server (millis), if known: a device clock ahead of it is skewed. */
  readonly receivedAt?: number;
}

/** A device with every log entry held for it. */
export interface HistoryDevice {
  readonly id: DeviceId;
  readonly unitId: UnitId;
  readonly state: DeviceState;
  readonly sealId: SealId | null;
  readonly publicKeyJwk: P256PublicJwk;
  readonly entries: readonly HistoryDeviceEntry[];
}

/** A seal and the device it is bound to now (earlier bindings come from the device logs' `seal_bound`). */
export interface HistorySeal {
  readonly id: SealId;
  readonly unitId: UnitId;
  readonly deviceId: DeviceId | null;
}

/** A photo held: the name it is filed under and the SHA-256 of the bytes actually held. */
export interface HistoryPhoto {
  readonly sha256: string;
  readonly contentSha256: string;
}

/** Everything detection reads: device logs, seals and their bindings, requests, decisions, grants, photos. */
export interface AnomalyHistory {
  readonly devices: readonly HistoryDevice[];
  readonly seals: readonly HistorySeal[];
  readonly requests: readonly UseRequest[];
  readonly decisions: readonly Decision[];
  readonly grants: readonly Grant[];
  readonly photos: readonly HistoryPhoto[];
}

/**
 * One anomaly: its root cause named by `caseKey` (the same root cause always gives the same key,
 * whoever detects it and however often), and the row ids that are its evidence.
 */
export interface Anomaly {
  readonly caseKey: string;
  readonly kind: AnomalyKind;
  readonly severity: AnomalySeverity;
  readonly unitId: UnitId;
  readonly deviceId: DeviceId | null;
  readonly sealId: SealId | null;
  readonly requestId: RequestId | null;
  /** When it happened (the device's clock for device events). */
  readonly at: number;
  readonly message: string;
  /**
   * The evidence, sorted: row ids (`fact:device_event:dev:12`, `fact:grant:…`), a record's change-row
   * prefix (`change:request:R1:`), and for a photo mismatch the blob (`blob:<sha256>`).
   */
  readonly evidence: readonly string[];
}

/** The row id of a device log entry, the usual evidence. */
export const deviceEntryRowId = (deviceId: string, seq: number): string => factRowId('device_event', `${deviceId}:${seq}`);
