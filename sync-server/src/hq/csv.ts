import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { HQ_DAY_OFFSET_MS, type TimelineEvent, type TimelineEventKind } from '@seal/shared';

/** Each kind in Chinese, then its code (what a spreadsheet reader filters on). */
const KIND_LABELS: Readonly<Record<TimelineEventKind, string>> = {
  boot: '设备启动', time_set: '校时', roster_installed: '名册更新', seal_bound: '绑定印章', grant_installed: '安装授权',
  unlock: '开锁', stamp: '用印', lock: '上锁', refusal: '拒绝开锁', tamper: '拆机报警', geofence_breach: '越界报警',
  low_battery: '低电量', revocations_installed: '停用清单更新', decision: '审批', cancellation: '撤销申请', grant: '授权', seal_status_change: '印章状态变更',
  attachment: '附件', alarm: '告警', alarm_resolution: '告警解除', request_created: '提交申请', request_updated: '修改申请',
  seal_created: '登记印章', seal_updated: '修改印章', device_created: '登记设备', device_updated: '修改设备',
};

/** The columns: bilingual headers, so that both a Chinese reader and a script find theirs. */
const COLUMNS = [
  { key: 'time', header: '时间 Time (UTC+8)' },
  { key: 'kind', header: '事件 Event' },
  { key: 'kindCode', header: '事件代码 Event code' },
  { key: 'unitId', header: '单位 Unit' },
  { key: 'unitName', header: '单位名称 Unit name' },
  { key: 'sealId', header: '印章 Seal' },
  { key: 'deviceId', header: '设备 Device' },
  { key: 'requestId', header: '申请 Request' },
  { key: 'personIds', header: '人员 People' },
  { key: 'summary', header: '摘要 Summary' },
  { key: 'eventId', header: '事件编号 Event id' },
];

/** An instant as China Standard Time, ISO 8601 with its offset. */
export const cstTime = (at: number): string => new Date(at + HQ_DAY_OFFSET_MS).toISOString().replace('Z', '+08:00');

function record(event: TimelineEvent, unitName: (id: string) => string): Record<string, string> {
  return {
    time: cstTime(event.at),
    kind: KIND_LABELS[event.kind] ?? event.kind,
    kindCode: event.kind,
    unitId: event.unitId,
    unitName: unitName(event.unitId),
    sealId: event.sealId ?? '',
    deviceId: event.deviceId ?? '',
    requestId: event.requestId ?? '',
    personIds: event.personIds.join(' '),
    summary: Object.entries(event.summary).filter(([, v]) => v !== null).map(([k, v]) => `${k}=${String(v)}`).join('; '),
    eventId: event.id,
  };
}

/**
 * The events as CSV, streamed: UTF-8 with a byte-order mark (Excel reads Chinese correctly only
 * with it), one page of events at a time, so its size has no bound but the log's.
 */
export function eventsCsv(pages: AsyncIterable<readonly TimelineEvent[]>, unitName: (id: string) => string): Readable {
  // A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first: a unit named
  // `=HYPERLINK(…)` by a branch administrator) is written with a leading apostrophe.
  const csv = stringify({ bom: true, header: true, columns: COLUMNS, record_delimiter: 'windows', escape_formulas: true });
  async function* records(): AsyncGenerator<Record<string, string>> {
    for await (const page of pages) for (const event of page) yield record(event, unitName);
  }
  const source = Readable.from(records());
  source.on('error', (error) => csv.destroy(error));
  return source.pipe(csv);
}
