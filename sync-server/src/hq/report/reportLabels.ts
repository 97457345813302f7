import { HQ_DAY_OFFSET_MS, hqDayOf } from '@seal/shared';

/** Chinese and English names for what a report counts (alarm kinds, seal kinds), as one label. */
const ALARM_KINDS: Readonly<Record<string, string>> = {
  tamper: '篡改 tamper',
  geofence_breach: '越出地理围栏 geofence breach',
  low_battery: '电量低 low battery',
  device_refusal: '设备拒绝 device refusal',
  log_gap: '日志缺失 log gap',
  log_fork: '日志分叉 log fork',
  bad_signature: '签名无效 bad signature',
  fact_conflict: '记录冲突 fact conflict',
  stamp_anomaly: '用印异常 stamp anomaly',
  seal_lost: '印章遗失 seal lost',
  // The exception queue's anomaly kinds (tamper, geofence_breach, log_gap and log_fork above).
  over_use: '超次用印 stamps beyond approval',
  unauthorised_stamp: '无授权用印 stamp with no grant',
  refusal_burst: '连续拒绝开锁 refusal burst',
  forced_open: '强行开启 forced open',
  log_tampered: '日志被篡改 log tampered',
  device_silent: '设备失联 device silent',
  clock_skew: '时钟偏差 clock skew',
  off_hours: '非工作时间用印 off-hours use',
  photo_missing: '缺少照片 photo missing',
  photo_mismatch: '照片不符 photo mismatch',
};

const SEAL_KINDS: Readonly<Record<string, string>> = {
  official: '公章 official',
  contract: '合同专用章 contract',
  finance: '财务专用章 finance',
  legal_rep: '法人章 legal representative',
  invoice: '发票专用章 invoice',
  personal: '个人名章 personal',
  unknown: '未知 unknown',
};

export const alarmKindLabel = (kind: string): string => ALARM_KINDS[kind] ?? kind;
export const sealKindLabel = (kind: string): string => SEAL_KINDS[kind] ?? kind;

/** `YYYY-MM-DD HH:mm`, China time (UTC+8: HQ days, `hqDayOf`). */
export function formatTime(ms: number): string {
  return new Date(ms + HQ_DAY_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** The HQ day (`YYYY-MM-DD`, China time) of an instant. */
export const formatDay = (ms: number): string => hqDayOf(ms);
