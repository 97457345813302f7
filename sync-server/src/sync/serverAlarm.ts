import {
  alarmId, ALARM_SEVERITY, factRowId, SERVER_AUTHOR, subjectOf,
  type Alarm, type AlarmKind, type AlarmResolution, type FactRow, type UnitId, type UserId,
} from '@seal/shared';

/** What the server noticed: the kind, what it is about (`ref`), a sentence, and who may see it. */
export interface ServerAlarmInput {
  readonly kind: AlarmKind;
  readonly ref: string;
  readonly message: string;
  /** The unit of the row the alarm is about: whoever may pull that row sees the alarm. */
  readonly scopeUnitId: UnitId;
  readonly at: number;
}

/**
 * An alarm the sync-server raises, as a fact row authored by `SERVER_AUTHOR`. Its id is
 * `kind:ref`, so noticing the same thing again — on a retry, from another server instance, from
 * another replica's copy — is the same row, and the store keeps the first one.
 */
export function serverAlarmRow({ kind, ref, message, scopeUnitId, at }: ServerAlarmInput): FactRow {
  const alarm: Alarm = {
    id: alarmId(kind, ref), kind, severity: ALARM_SEVERITY[kind],
    source: { kind: 'server', id: SERVER_AUTHOR }, ref, message: message.slice(0, 2000), at,
  };
  return {
    id: factRowId('alarm', alarm.id), type: 'fact', kind: 'alarm', subject: subjectOf('alarm', alarm.kind),
    scopeUnitId, author: SERVER_AUTHOR as UserId, createdAt: at, body: alarm,
  };
}

/**
 * The server's resolution of an alarm it raised, once what the alarm reported no longer holds
 * (see `auditDeviceLogs`): a fact row beside the alarm, in its scope and under its subject. Its id
 * is the alarm's, so noticing it again is the same row, and the store keeps the first one.
 */
export function serverAlarmResolutionRow(alarm: FactRow, message: string, at: number): FactRow {
  const { id, kind } = alarm.body as unknown as Alarm;
  const resolution: AlarmResolution = { id, kind, source: { kind: 'server', id: SERVER_AUTHOR }, message: message.slice(0, 2000), at };
  return {
    id: factRowId('alarm_resolution', id), type: 'fact', kind: 'alarm_resolution', subject: subjectOf('alarm', kind),
    scopeUnitId: alarm.scopeUnitId, author: SERVER_AUTHOR as UserId, createdAt: at, body: resolution,
  };
}

/** `deviceId:seq`, the ref of an alarm about one device log entry (the entry's own fact id). */
export const deviceEntryRef = (deviceId: string, seq: number): string => `${deviceId}:${seq}`;
