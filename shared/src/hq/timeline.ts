import type { FactBody } from '../sync/factBodies';
import { parseSubject } from '../sync/subject';
import { SERVER_AUTHOR, type ChangeRow, type FactRow, type SyncRow } from '../sync/rows';
import type { TimelineEvent, TimelineEventKind, TimelineSummary } from './event';
import { deviceEventSummary } from './deviceSummary';
import { MAX_MILLIS } from '../domain/primitives';

export { timelineEventSchema, type TimelineEvent } from './event';

/**
 * What the server read from an Automerge change row (its bytes are decoded server-side; this
 * module stays free of Automerge).
 */
export interface ChangeFacts {
  /** The change is the record's first (no dependencies): its creation. */
  readonly first: boolean;
  /** The record as this change leaves it, when known (a creation carries the whole record). */
  readonly record?: Readonly<Record<string, unknown>>;
  /** The top-level fields this change sets or deletes. */
  readonly fields?: readonly string[];
  /** The change's own time (ms), when it carries one. */
  readonly time?: number;
}

/** What the caller knows beyond the row itself. */
export interface TimelineContext {
  /** For a change row: what its bytes say. Without it a change row is an update with no detail. */
  readonly change?: ChangeFacts;
  /** For a device log entry: the seal its device held then (from the grant or the device's binding). */
  readonly sealId?: string;
}

/** Longest text kept in a summary (messages, reasons, titles). */
const SUMMARY_TEXT = 200;
const short = (text: unknown): string | null => (typeof text === 'string' ? text.slice(0, SUMMARY_TEXT) : null);
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

const people = (...ids: unknown[]): string[] =>
  [...new Set(ids.filter((id): id is string => typeof id === 'string' && id !== '' && id !== SERVER_AUTHOR))].sort();

interface Parts {
  readonly kind: TimelineEventKind;
  readonly at: number;
  readonly sealId?: string | undefined;
  readonly deviceId?: string | undefined;
  readonly requestId?: string | undefined;
  readonly personIds: readonly unknown[];
  readonly summary: TimelineSummary;
}

const isRecordTime = (at: number): boolean => Number.isSafeInteger(at) && at >= 0 && at <= MAX_MILLIS;

function eventOf(row: SyncRow, parts: Parts): TimelineEvent {
  const event: TimelineEvent = {
    id: row.id,
    // A time no record may name (rows stored before times were bounded) falls back to the row's, else to the epoch: never a date HQ cannot write.
    at: isRecordTime(parts.at) ? parts.at : isRecordTime(row.createdAt) ? row.createdAt : 0,
    kind: parts.kind,
    unitId: row.scopeUnitId,
    personIds: people(...parts.personIds, row.author),
    summary: parts.summary,
    rowId: row.id,
  };
  if (parts.sealId !== undefined) event.sealId = parts.sealId;
  if (parts.deviceId !== undefined) event.deviceId = parts.deviceId;
  if (parts.requestId !== undefined) event.requestId = parts.requestId;
  return event;
}

/** The alarm kinds a device's own log raises: their `ref` is the entry `deviceId:seq`. */
const DEVICE_REF = /^([A-Za-z0-9._-]{1,128}):\d+$/;

function factParts(row: FactRow, context: TimelineContext): Parts | undefined {
  switch (row.kind) {
    case 'device_event':
      return deviceEventSummary(row.body as FactBody<'device_event'>, context.sealId);
    case 'decision': {
      const d = row.body as FactBody<'decision'>;
      return {
        kind: 'decision', at: d.at, sealId: d.payload.sealId, requestId: d.payload.requestId,
        personIds: [d.approverId, d.payload.requesterId],
        summary: { verdict: d.payload.verdict, approverId: d.approverId, uses: d.payload.uses, comment: short(d.comment) },
      };
    }
    case 'cancellation': {
      const c = row.body as FactBody<'cancellation'>;
      return { kind: 'cancellation', at: c.at, requestId: c.requestId, personIds: [c.actorId], summary: { actorId: c.actorId, reason: short(c.reason) } };
    }
    case 'grant': {
      const g = row.body as FactBody<'grant'>;
      return {
        kind: 'grant', at: row.createdAt, sealId: g.sealId, deviceId: g.deviceId, requestId: g.requestId,
        personIds: [g.holderId, ...g.decisions.map((d) => d.approverId)],
        summary: { holderId: g.holderId, uses: g.uses, notBefore: g.window.notBefore, notAfter: g.window.notAfter, approvals: g.decisions.length },
      };
    }
    case 'seal_status_change': {
      const s = row.body as FactBody<'seal_status_change'>;
      return { kind: 'seal_status_change', at: s.at, sealId: s.sealId, personIds: [s.actorId], summary: { from: s.from, to: s.to, actorRole: s.actorRole, reason: short(s.reason) } };
    }
    case 'attachment': {
      const a = row.body as FactBody<'attachment'>;
      const about = parseSubject(a.about);
      return {
        kind: 'attachment', at: a.at,
        requestId: about?.kind === 'request' ? about.recordId : undefined,
        sealId: about?.kind === 'seal' ? about.recordId : undefined,
        deviceId: about?.kind === 'device' ? about.recordId : undefined,
        personIds: [],
        summary: { about: a.about, mime: a.mime, size: a.size, sha256: a.sha256, name: short(a.name) },
      };
    }
    case 'alarm': {
      const a = row.body as FactBody<'alarm'>;
      const deviceId = a.source.kind === 'device' ? a.source.id : DEVICE_REF.exec(a.ref)?.[1];
      return { kind: 'alarm', at: a.at, deviceId, personIds: [], summary: { alarmId: a.id, alarmKind: a.kind, severity: a.severity, ref: a.ref, source: a.source.kind, message: short(a.message) } };
    }
    case 'alarm_resolution': {
      const r = row.body as FactBody<'alarm_resolution'>;
      return { kind: 'alarm_resolution', at: r.at, personIds: [], summary: { alarmId: r.id, alarmKind: r.kind, message: short(r.message) } };
    }
    default:
      return undefined;
  }
}

const CHANGE_KINDS = {
  request: ['request_created', 'request_updated'],
  seal: ['seal_created', 'seal_updated'],
  device: ['device_created', 'device_updated'],
} as const;

function changeParts(row: ChangeRow, facts: ChangeFacts | undefined): Parts | undefined {
  const subject = parseSubject(row.subject);
  if (!subject || subject.kind === 'profile') return undefined;
  const [created, updated] = CHANGE_KINDS[subject.kind];
  const record = facts?.record ?? {};
  const first = facts?.first === true;
  const at = first && typeof record.createdAt === 'number' ? record.createdAt : (facts?.time ?? row.createdAt);
  const summary: TimelineSummary = first ? creationSummary(subject.kind, record) : { fields: (facts?.fields ?? []).join(',') };
  const id = subject.recordId;
  switch (subject.kind) {
    case 'request':
      return { kind: first ? created : updated, at, requestId: id, sealId: str(record.sealId), personIds: [record.requesterId], summary };
    case 'seal':
      return { kind: first ? created : updated, at, sealId: id, deviceId: str(record.deviceId), personIds: [record.custodianId], summary };
    case 'device':
      return { kind: first ? created : updated, at, deviceId: id, sealId: str(record.sealId), personIds: [], summary };
  }
}

function creationSummary(kind: 'request' | 'seal' | 'device', record: Readonly<Record<string, unknown>>): TimelineSummary {
  switch (kind) {
    case 'request': {
      const document = (record.document ?? {}) as Record<string, unknown>;
      return { title: short(document.title), documentSha256: str(document.sha256) ?? null, uses: typeof record.usesRequested === 'number' ? record.usesRequested : null, purpose: short(record.purpose) };
    }
    case 'seal':
      return { name: short(record.name), sealKind: str(record.kind) ?? null, form: str(record.form) ?? null, custodianId: str(record.custodianId) ?? null };
    case 'device':
      return { serial: short(record.serial), state: str(record.state) ?? null };
  }
}

/**
 * The timeline events a replicated row stands for: one for every fact and for every change of a
 * request, seal or device record (profile changes are a person's own settings: none). Pure and
 * deterministic: the same row and context give the same events, whose `id` is the row id.
 */
export function timelineEventsOf(row: SyncRow, context: TimelineContext = {}): TimelineEvent[] {
  const parts = row.type === 'fact' ? factParts(row, context) : changeParts(row, context.change);
  return parts ? [eventOf(row, parts)] : [];
}
