import { z } from 'zod';
import { alarmIdSchema, userIdSchema, type AlarmId } from './ids';
import { millisSchema, reasonSchema } from './primitives';

/**
 * What an alarm is about:
 * - from a device's log: `tamper`, `geofence_breach`, `low_battery`, `device_refusal`;
 * - from checking a device's log: `log_gap` (a missing seq), `log_fork` (two entries for one
 *   seq, or a broken `prevHash`), `bad_signature`;
 * - from replication: `fact_conflict` (a second body under an existing fact id);
 * - from derived state: `stamp_anomaly` (see `RequestAnomalyKind`);
 * - from the seal's life: `seal_lost`.
 */
export const alarmKindSchema = z.enum([
  'tamper',
  'geofence_breach',
  'low_battery',
  'device_refusal',
  'log_gap',
  'log_fork',
  'bad_signature',
  'fact_conflict',
  'stamp_anomaly',
  'seal_lost',
]);
export type AlarmKind = z.infer<typeof alarmKindSchema>;

export const alarmSeveritySchema = z.enum(['info', 'warning', 'critical']);
export type AlarmSeverity = z.infer<typeof alarmSeveritySchema>;

/** The severity each kind of alarm is raised with. */
export const ALARM_SEVERITY: Readonly<Record<AlarmKind, AlarmSeverity>> = {
  tamper: 'critical',
  geofence_breach: 'critical',
  low_battery: 'info',
  device_refusal: 'warning',
  log_gap: 'critical',
  log_fork: 'critical',
  bad_signature: 'critical',
  fact_conflict: 'critical',
  stamp_anomaly: 'critical',
  seal_lost: 'warning',
};

/** Who raised an alarm: a device (its own log), the sync-server, or a replica deriving state. */
export const alarmSourceSchema = z.strictObject({ kind: z.enum(['device', 'server', 'replica']), id: z.string().min(1).max(128) });
export type AlarmSource = z.infer<typeof alarmSourceSchema>;

/**
 * An alarm (an append-only fact). Keyed by what raised it — `kind:ref` (see {@link alarmId}) — so
 * two replicas that notice the same thing raise the same alarm, once.
 */
export const alarmSchema = z.strictObject({
  id: alarmIdSchema,
  kind: alarmKindSchema,
  severity: alarmSeveritySchema,
  source: alarmSourceSchema,
  /** The id of the fact or record the alarm is about (a device event `deviceId:seq`, a request id…). */
  ref: z.string().min(1).max(512),
  message: z.string().max(2000),
  at: millisSchema,
});
export type Alarm = z.infer<typeof alarmSchema>;

/** The id of an alarm: `kind:ref`. */
export function alarmId(kind: AlarmKind, ref: string): AlarmId {
  return alarmIdSchema.parse(`${kind}:${ref}`);
}

/**
 * The server's word that what an alarm reported no longer holds (an append-only fact; the alarm
 * itself never changes): the entries a `log_gap` named missing arrived — late, out of order, or
 * from another tablet. It carries the alarm's own `id` and `kind` (so it shares the alarm's
 * subject, `alarm:kind`), which makes it one fact per alarm however many pushes or server
 * instances notice. An alarm without one is open; HQ sees both, and when each came.
 */
export const alarmResolutionSchema = z
  .strictObject({
    id: alarmIdSchema,
    kind: alarmKindSchema,
    source: alarmSourceSchema,
    message: z.string().max(2000),
    at: millisSchema,
  })
  .refine((resolution) => resolution.id.startsWith(`${resolution.kind}:`), { message: 'expected the id of an alarm of its kind (`kind:ref`)', path: ['id'] });
export type AlarmResolution = z.infer<typeof alarmResolutionSchema>;

/** Someone acknowledged an alarm (an append-only fact; the alarm itself never changes). */
export const alarmAcknowledgementSchema = z.strictObject({
  id: z.string().min(1).max(600),
  alarmId: alarmIdSchema,
  actorId: userIdSchema,
  note: reasonSchema,
  at: millisSchema,
});
export type AlarmAcknowledgement = z.infer<typeof alarmAcknowledgementSchema>;
