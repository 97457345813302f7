import type { DeviceEvent } from '../domain/deviceEvent';
import type { TimelineEventKind, TimelineSummary } from './event';

/** What a device log entry shows on the timeline (see `timelineEventsOf`). */
export interface DeviceEventParts {
  readonly kind: TimelineEventKind;
  readonly at: number;
  readonly sealId?: string | undefined;
  readonly deviceId: string;
  readonly requestId?: string | undefined;
  readonly personIds: readonly unknown[];
  readonly summary: TimelineSummary;
}

const text = (value: string): string => value.slice(0, 200);

/** The timeline parts of one device log entry; `sealId` is the seal its device held then, if known. */
export function deviceEventSummary(entry: DeviceEvent, sealId: string | undefined): DeviceEventParts {
  const base = { kind: entry.type, at: entry.at, deviceId: entry.deviceId, sealId, personIds: [] as unknown[] };
  const seq = entry.seq;
  switch (entry.type) {
    case 'boot':
      return { ...base, summary: { seq, firmware: text(entry.payload.firmware) } };
    case 'time_set':
      return { ...base, summary: { seq, previous: entry.payload.previous, source: entry.payload.source } };
    case 'roster_installed':
      return { ...base, summary: { seq, rosterVersion: entry.payload.rosterVersion } };
    case 'seal_bound':
      return { ...base, sealId: entry.payload.sealId, summary: { seq, sealId: entry.payload.sealId } };
    case 'grant_installed':
      return { ...base, requestId: entry.payload.requestId, summary: { seq, grantId: entry.payload.grantId } };
    case 'unlock':
      return { ...base, requestId: entry.payload.requestId, personIds: [entry.payload.holderId], summary: { seq, grantId: entry.payload.grantId, holderId: entry.payload.holderId } };
    case 'stamp': {
      const p = entry.payload;
      return {
        ...base, requestId: p.requestId ?? undefined,
        summary: { seq, grantId: p.grantId, useIndex: p.useIndex, photoSha256: p.photoSha256, withoutGrant: p.grantId === null, lat: p.position?.lat ?? null, lon: p.position?.lon ?? null },
      };
    }
    case 'lock':
      return { ...base, summary: { seq, cause: entry.payload.cause } };
    case 'refusal':
      return { ...base, requestId: entry.payload.requestId ?? undefined, summary: { seq, code: entry.payload.code, message: text(entry.payload.message), grantId: entry.payload.grantId } };
    case 'tamper':
      return { ...base, summary: { seq, detail: text(entry.payload.detail) } };
    case 'geofence_breach':
      return { ...base, summary: { seq, lat: entry.payload.position.lat, lon: entry.payload.position.lon, radiusM: entry.payload.geofence.radiusM } };
    case 'low_battery':
      return { ...base, summary: { seq, percent: entry.payload.percent } };
    case 'revocations_installed':
      return { ...base, summary: { seq, version: entry.payload.version, issuedAt: entry.payload.issuedAt } };
  }
}
