import {
  factRowId,
  type Alarm, type AlarmKind, type Decision, type DeviceEvent, type FactRow, type Grant, type SealStatusChange, type SyncRow, type WebhookEvent,
} from '@seal/shared';
import type { RowsRepo } from '../../sync/rowsRepo';
import { RecordStates } from '../../sync/recordStates';

/** An event to tell people of, with who hears of it in the app (webhooks choose by scope and kind). */
export interface NotifyEvent {
  readonly event: WebhookEvent;
  /** People told in the app by name: a stamped seal's custodian and its request's approvers. */
  readonly named: readonly string[];
  /** Whether custodians and administrators whose scope holds the unit are told (alarms). */
  readonly toScope: boolean;
}

/** Device log entries that are alarms in themselves (the device noticed, and locked). */
export const DEVICE_ALARMS: Readonly<Partial<Record<DeviceEvent['type'], AlarmKind>>> = { tamper: 'tamper', geofence_breach: 'geofence_breach', low_battery: 'low_battery' };

/** What the notifier reads of the store to name a stamp's seal, custodian and approvers. */
class Lookups {
  private readonly records: RecordStates;
  constructor(private readonly rows: RowsRepo) {
    this.records = new RecordStates(rows);
  }

  async field(kind: 'seal' | 'device' | 'request', id: string | null | undefined, name: string): Promise<string | null> {
    if (!id) return null;
    const value = (await this.records.get(kind, id)).json?.[name];
    return typeof value === 'string' ? value : null;
  }

  async grant(id: string | null): Promise<Grant | undefined> {
    if (!id) return undefined;
    const row = (await this.rows.getMany([factRowId('grant', id)])).get(factRowId('grant', id));
    return row?.type === 'fact' ? (row.body as unknown as Grant) : undefined;
  }
}

const base = (row: FactRow, kind: WebhookEvent['kind'], at: number, summary: string): WebhookEvent => ({
  id: row.id, kind, alarmKind: null, at, unitId: row.scopeUnitId, sealId: null, deviceId: null, requestId: null, summary: summary.slice(0, 1000),
});

async function deviceEvent(row: FactRow, entry: DeviceEvent, look: Lookups): Promise<NotifyEvent | undefined> {
  const where = { deviceId: entry.deviceId };
  const alarmKind = DEVICE_ALARMS[entry.type];
  if (alarmKind) {
    const sealId = await look.field('device', entry.deviceId, 'sealId');
    return { event: { ...base(row, 'alarm', entry.at, `device ${entry.deviceId} reported ${entry.type.replace('_', ' ')} (entry ${entry.seq})`), ...where, sealId, alarmKind }, named: [], toScope: true };
  }
  switch (entry.type) {
    case 'stamp': {
      const grant = await look.grant(entry.payload.grantId);
      const sealId = grant?.sealId ?? (await look.field('device', entry.deviceId, 'sealId'));
      const custodian = await look.field('seal', sealId, 'custodianId');
      const approvers = (grant?.decisions ?? []).map((d) => d.approverId as string);
      const use = entry.payload.useIndex === null ? '' : `, use ${entry.payload.useIndex}`;
      const summary = `seal ${sealId ?? '(unknown)'} stamped by device ${entry.deviceId}${entry.payload.requestId ? ` for request ${entry.payload.requestId}${use}` : ' without a grant'}`;
      return { event: { ...base(row, 'stamp', entry.at, summary), ...where, sealId, requestId: entry.payload.requestId, detail: { useIndex: entry.payload.useIndex } }, named: [...new Set([custodian, ...approvers].filter((id): id is string => !!id))], toScope: false };
    }
    case 'unlock':
      return { event: { ...base(row, 'unlock', entry.at, `device ${entry.deviceId} unlocked for request ${entry.payload.requestId} (holder ${entry.payload.holderId})`), ...where, requestId: entry.payload.requestId, sealId: await look.field('device', entry.deviceId, 'sealId') }, named: [], toScope: false };
    case 'lock':
      return { event: { ...base(row, 'lock', entry.at, `device ${entry.deviceId} locked (${entry.payload.cause})`), ...where, detail: { cause: entry.payload.cause }, sealId: await look.field('device', entry.deviceId, 'sealId') }, named: [], toScope: false };
    case 'refusal':
      return { event: { ...base(row, 'refusal', entry.at, `device ${entry.deviceId} refused: ${entry.payload.code}`), ...where, detail: { code: entry.payload.code.slice(0, 64) }, requestId: entry.payload.requestId, sealId: await look.field('device', entry.deviceId, 'sealId') }, named: [], toScope: false };
    default:
      return undefined;
  }
}

async function eventOf(row: FactRow, look: Lookups): Promise<NotifyEvent | undefined> {
  switch (row.kind) {
    case 'device_event':
      return deviceEvent(row, row.body as unknown as DeviceEvent, look);
    case 'alarm': {
      const alarm = row.body as unknown as Alarm;
      const deviceId = /^[^:]+:\d+$/.test(alarm.ref) ? alarm.ref.split(':')[0]! : null;
      return { event: { ...base(row, 'alarm', alarm.at, `${alarm.severity} alarm ${alarm.kind}: ${alarm.message}`), alarmKind: alarm.kind, deviceId }, named: [], toScope: true };
    }
    case 'decision': {
      const { payload, approverId } = row.body as unknown as Decision;
      const requestId = payload.requestId;
      return { event: { ...base(row, 'request_decided', row.createdAt, `request ${requestId}: ${payload.verdict} by ${approverId}`), requestId, detail: { verdict: payload.verdict }, sealId: await look.field('request', requestId, 'sealId') }, named: [], toScope: false };
    }
    case 'seal_status_change': {
      const move = row.body as unknown as SealStatusChange;
      return { event: { ...base(row, 'seal_moved', move.at, `seal ${move.sealId}: ${move.from ?? 'new'} → ${move.to} by ${move.actorId}`), sealId: move.sealId, detail: { from: move.from ?? null, to: move.to } }, named: [], toScope: false };
    }
    default:
      return undefined;
  }
}

/** The events among rows the store just took: stamps, unlocks, locks, refusals, alarms, decisions, seal moves. */
export async function notifyEventsOf(rows: readonly SyncRow[], store: RowsRepo): Promise<NotifyEvent[]> {
  const look = new Lookups(store);
  const events: NotifyEvent[] = [];
  for (const row of rows) {
    if (row.type !== 'fact') continue;
    const event = await eventOf(row, look);
    if (event) events.push(event);
  }
  return events;
}

/** A device log entry's seq, from its row id (`fact:device_event:<deviceId>:<seq>`). */
const seqOfEntry = (rowId: string): number => Number(rowId.slice(rowId.lastIndexOf(':') + 1));

/**
 * The in-app notices for `notices`: the low-battery readings one push brought from one device
 * are one notice, not one each — a week of a device's log goes up a few hundred entries a push,
 * and hundreds of "low battery" notifications would bury the rest. It is the latest reading's
 * (its event id, its time: each row is reported once, so the notification's id stays unique) and
 * says how many readings and which. Every other notice is kept as it is: a tamper or a geofence
 * breach is each its own notification, with its own time. Webhooks get every entry's event.
 */
export function oneNoticePerBatteryDevice(notices: readonly NotifyEvent[]): NotifyEvent[] {
  const byKey = new Map<string, NotifyEvent[]>();
  const order: (NotifyEvent | NotifyEvent[])[] = [];
  for (const notice of notices) {
    const { event } = notice;
    if (event.kind !== 'alarm' || event.alarmKind !== 'low_battery' || event.deviceId === null || !event.id.startsWith(factRowId('device_event', ''))) {
      order.push(notice);
      continue;
    }
    const key = [event.deviceId, event.unitId].join('\n');
    const group = byKey.get(key);
    if (group) group.push(notice);
    else {
      const fresh = [notice];
      byKey.set(key, fresh);
      order.push(fresh);
    }
  }
  return order.map((item) => {
    if (!Array.isArray(item)) return item;
    const sorted = [...item].sort((a, b) => seqOfEntry(a.event.id) - seqOfEntry(b.event.id));
    const latest = sorted.at(-1)!;
    if (sorted.length === 1) return latest;
    const seqs = sorted.map((n) => seqOfEntry(n.event.id));
    const listed = seqs.length <= 10 ? seqs.join(', ') : `${seqs.slice(0, 5).join(', ')} and ${seqs.length - 5} more, to ${seqs.at(-1)!}`;
    const summary = `device ${latest.event.deviceId ?? ''} reported low battery ${sorted.length} times (entries ${listed}); the latest at entry ${seqs.at(-1)!}`;
    return { ...latest, event: { ...latest.event, summary: summary.slice(0, 1000) } };
  });
}
