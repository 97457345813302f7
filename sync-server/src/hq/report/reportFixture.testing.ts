import type { AuditReportModel } from './reportModel';

const DAY = 86_400_000;
const FROM = Date.UTC(2026, 10, 1) - 8 * 3_600_000;

/** A month of a branch's seal use, with anomalies and open cases: what the PDF tests draw. */
export const sampleReport: AuditReportModel = {
  scopeName: '华东分公司 East branch',
  period: { from: FROM, to: FROM + 30 * DAY },
  generatedAt: FROM + 31 * DAY + 9 * 3_600_000,
  generatedBy: '王审计 Wang (auditor)',
  totals: { stamps: 312, stampsWithoutGrant: 2, decisions: 140, alarms: 17, openCases: 3 },
  usesPerDay: Array.from({ length: 30 }, (_, i) => ({ day: new Date(FROM + 8 * 3_600_000 + i * DAY).toISOString().slice(0, 10), count: (i * 7) % 19 + (i % 7 >= 5 ? 0 : 3) })),
  byUnit: [{ unitId: 'hongqiao', name: '上海虹桥项目部 Hongqiao site', count: 120 }, { unitId: 'suzhou', name: '苏州工业园项目部 Suzhou site', count: 98 }, { unitId: 'hzbay', name: '杭州湾大桥项目部 Hangzhou Bay site', count: 94 }],
  bySealKind: [{ kind: 'contract', count: 180 }, { kind: 'official', count: 90 }, { kind: 'finance', count: 42 }],
  anomaliesByKind: [{ kind: 'geofence_breach', count: 6 }, { kind: 'log_gap', count: 4 }, { kind: 'tamper', count: 2 }, { kind: 'low_battery', count: 5 }],
  approvalLatency: { decided: 140, p50Hours: 2.4, p95Hours: 11.8 },
  openCases: [
    { kind: 'tamper', unit: '上海虹桥项目部', openedAt: FROM + 12 * DAY + 3_600_000, anomalyAt: FROM + 12 * DAY, summary: '设备外壳被打开 case opened while locked' },
    { kind: 'geofence_breach', unit: '苏州工业园项目部', openedAt: FROM + 21 * DAY, anomalyAt: FROM + 20 * DAY, summary: '印章离开项目部范围 the seal left the site' },
    { kind: 'log_gap', unit: '杭州湾大桥项目部', openedAt: FROM + 27 * DAY, anomalyAt: FROM + 27 * DAY, summary: 'entry 41 is missing' },
  ],
};
