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

/**
 * A photo held as the photo of one device's stamps: the name it is filed under, that device, and
 * the SHA-256 of the bytes actually held. Held for a device, never by its hash alone: bytes
 * delivered for another device, or for a request's document, are not this device's photo (a
 * stamp of a device of someone's making may name any hash).
 */
export interface HistoryPhoto {
  readonly deviceId: DeviceId;
  readonly sha256: string;
  readonly contentSha256: string;
}

/** The key a stamp's photo is looked up by: the stamping device and the hash its entry names. */
export const stampPhotoKey = (deviceId: string, sha256: string): string => `${deviceId}\u0000${sha256}`;

/** The held photos by `stampPhotoKey`, as detection and reconciliation look them up. */
export const photosByStamp = (photos: readonly HistoryPhoto[]): ReadonlyMap<string, HistoryPhoto> =>
  new Map(photos.map((p) => [stampPhotoKey(p.deviceId, p.sha256), p]));

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
