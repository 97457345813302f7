/**
 * The PDF audit report and the dashboard say the same thing: over a generated history (two
 * branches, four sites, signed device logs, planted anomalies) stored as replication leaves it,
 * the dashboard's API and the report's figures (its data, and the text of its PDF) give the same
 * stamps per China day, per child unit, the same approval latency — each counted here, straight
 * from the generated rows, with arithmetic of this test's own. The period asked for starts and
 * ends mid-day: both count the whole China days (UTC+8) it touches.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ANOMALY_RULES, type CaseView, type HqDashboardResponse } from '@seal/shared';
import { generateHistory, type GeneratedHistory } from '@seal/shared/testing';
import { startTestOrganisation, type TestOrganisation, type TestPerson } from '../../testing/testOrganisation';
import { storeHistory } from '../../testing/storeHistory';
import { createUnit } from '../../testing/testServer';
import { casesAnomalyHook } from '../../hq/anomalies/casesAnomalyHook';
import { casesRepo } from '../../hq/anomalies/casesRepo';
import { indexReportSource } from '../../hq/report/indexReportSource';
import type { AuditReportModel } from '../../hq/report/reportModel';
import { HqService } from '../../hq/service';

const HOUR = 3_600_000;
/** Monday 2 March 2026, 00:00 China time: the generator's day 0. */
const T0 = Date.UTC(2026, 2, 1, 16, 0);
/** The China (UTC+8) calendar day of an instant. */
const chinaDay = (at: number): string => new Date(at + 8 * HOUR).toISOString().slice(0, 10);
/** `YYYY-MM-DD HH:mm`, China time. */
const chinaTime = (at: number): string => new Date(at + 8 * HOUR).toISOString().slice(0, 16).replace('T', ' ');
/** Asked: Tuesday (day 1) 12:00 to the next Wednesday (day 9) 15:00, China time. */
const PERIOD = { from: T0 + 1 * 24 * HOUR + 12 * HOUR, to: T0 + 9 * 24 * HOUR + 15 * HOUR };
const FIRST_DAY = '2026-03-03';
const LAST_DAY = '2026-03-11';

let org: TestOrganisation;
let generated: GeneratedHistory;
let auditor: TestPerson;
let sites: { id: string; branch: string }[];

interface Expected { perDay: Map<string, number>; bySite: Map<string, number>; withoutGrant: number; tampers: number; decisions: number; latencies: number[] }

/** What the generated rows hold in the period, counted from them alone (each device's first body of a seq, as the store keeps it). */
function expected(): Expected {
  const inPeriod = (at: number) => chinaDay(at) >= FIRST_DAY && chinaDay(at) <= LAST_DAY;
  const result: Expected = { perDay: new Map(), bySite: new Map(), withoutGrant: 0, tampers: 0, decisions: 0, latencies: [] };
  for (const device of generated.history.devices) {
    const seqs = new Set<number>();
    for (const { event } of device.entries) {
      const entry = event as { seq: number; type: string; at: number; payload: { grantId?: string | null } };
      if (seqs.has(entry.seq)) continue;
      seqs.add(entry.seq);
      if (!inPeriod(entry.at)) continue;
      if (entry.type === 'tamper') result.tampers++;
      if (entry.type !== 'stamp') continue;
      result.perDay.set(chinaDay(entry.at), (result.perDay.get(chinaDay(entry.at)) ?? 0) + 1);
      result.bySite.set(device.unitId, (result.bySite.get(device.unitId) ?? 0) + 1);
      if (entry.payload.grantId === null) result.withoutGrant++;
    }
  }
  for (const decision of generated.history.decisions) {
    if (!inPeriod(decision.at)) continue;
    result.decisions++;
    const request = generated.history.requests.find((r) => r.id === decision.payload.requestId)!;
    result.latencies.push(decision.at - request.createdAt);
  }
  result.latencies.sort((a, b) => a - b);
  return result;
}

/** The value at rank ⌈p·n⌉ (1-based) of an ascending list. */
const nearestRank = (sorted: readonly number[], p: number): number => sorted[Math.ceil(p * sorted.length) - 1]!;
const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);
const byBranch = (bySite: ReadonlyMap<string, number>): Map<string, number> => {
  const totals = new Map<string, number>();
  for (const site of sites) totals.set(site.branch, (totals.get(site.branch) ?? 0) + (bySite.get(site.id) ?? 0));
  return totals;
};

beforeAll(async () => {
  org = await startTestOrganisation();
  sites = [];
  for (const [branch, names] of [[org.east, ['East A 东A项目部', 'East B 东B项目部']], [org.west, ['West A 西A项目部', 'West B 西B项目部']]] as const) {
    for (const name of names) sites.push({ id: await createUnit(org.server, org.admin.cookie, branch, name, 'site'), branch });
  }
  generated = await generateHistory({ seed: 11, branches: 2, sitesPerBranch: 2, devicesPerSite: 2, weeks: 2, siteUnits: sites.map((s) => s.id), plants: ['unauthorised_null_grant', 'tamper', 'off_hours', 'over_use'] });
  await storeHistory(org.server, generated.history, generated.photoBytes, { decisions: true });
  auditor = await org.invite(org.admin.rootUnitId, ['auditor'], 'HQ auditor 总部审计');
  // The history is from March; the server's clock is now: no device counts as silent.
  expect((await org.server.call('PUT', '/api/hq/anomaly-rules', { cookie: org.admin.cookie, body: { ...DEFAULT_ANOMALY_RULES, silenceDays: 365 } })).statusCode).toBe(200);
  const scan = await org.server.call('POST', '/api/hq/anomalies/scan', { cookie: org.admin.cookie, body: { unit: org.admin.rootUnitId } });
  expect(scan.statusCode, scan.body).toBe(200);
}, 180_000);
afterAll(async () => org?.close());

async function dashboardOf(unit: string): Promise<HqDashboardResponse> {
  const answer = await org.server.call('GET', `/api/hq/dashboard?unit=${unit}&from=${PERIOD.from}&to=${PERIOD.to}`, { cookie: auditor.cookie });
  expect(answer.statusCode, answer.body).toBe(200);
  return answer.json<HqDashboardResponse>();
}

async function reportOf(unit: string): Promise<AuditReportModel> {
  const service = new HqService(org.server.store, { anomalies: casesAnomalyHook(org.server.store) });
  const source = indexReportSource(service, org.server.repos.units, () => casesRepo(org.server.store.couch.use(org.server.store.dbName('cases'))).list());
  return source.build({ unitId: unit, ...PERIOD, generatedBy: 'test', generatedAt: Date.now() });
}

describe('the audit report and the dashboard', () => {
  it('count the same stamps per China day and per branch as the generated rows hold', async () => {
    const want = expected();
    expect(sum(want.bySite.values())).toBeGreaterThan(20);
    const dashboard = await dashboardOf(org.admin.rootUnitId);
    const report = await reportOf(org.admin.rootUnitId);
    // Both widen the period to the whole China days it touches.
    expect([chinaDay(dashboard.from), chinaDay(dashboard.to - 1)]).toEqual([FIRST_DAY, LAST_DAY]);
    expect(report.period).toEqual({ from: dashboard.from, to: dashboard.to });
    const days = Array.from({ length: 9 }, (_, i) => chinaDay(T0 + (1 + i) * 24 * HOUR));
    expect(dashboard.usesPerDay).toEqual(days.map((day) => ({ day, stamps: want.perDay.get(day) ?? 0 })));
    expect(report.usesPerDay).toEqual(days.map((day) => ({ day, count: want.perDay.get(day) ?? 0 })));
    const branches = byBranch(want.bySite);
    expect(new Map(dashboard.usesByUnit.map((u) => [u.unitId, u.stamps]))).toEqual(branches);
    expect(new Map(report.byUnit.map((u) => [u.unitId, u.count]))).toEqual(branches);
    expect(report.totals.stamps).toBe(sum(want.bySite.values()));
    expect(report.totals.stampsWithoutGrant).toBe(want.withoutGrant);
    expect(want.withoutGrant).toBe(1);
    expect(report.totals.decisions).toBe(want.decisions);
    expect(report.anomaliesByKind.find((a) => a.kind === 'tamper')?.count).toBe(want.tampers);
    // Approval latency: creation to approval, nearest-rank percentiles.
    expect(dashboard.approvalLatency).toEqual({ count: want.latencies.length, p50Ms: nearestRank(want.latencies, 0.5), p95Ms: nearestRank(want.latencies, 0.95) });
    expect(report.approvalLatency.decided).toBe(want.latencies.length);
    expect(report.approvalLatency.p50Hours! * HOUR).toBeCloseTo(nearestRank(want.latencies, 0.5));
  });

  it('group a branch by its sites alike', async () => {
    const want = expected();
    const dashboard = await dashboardOf(org.east);
    const report = await reportOf(org.east);
    const east = new Map(sites.filter((s) => s.branch === org.east).map((s) => [s.id, want.bySite.get(s.id) ?? 0]));
    expect(new Map(dashboard.usesByUnit.map((u) => [u.unitId, u.stamps]))).toEqual(east);
    expect(new Map(report.byUnit.map((u) => [u.unitId, u.count]))).toEqual(east);
    expect(report.byUnit.map((u) => u.name).sort()).toEqual(['East A 东A项目部', 'East B 东B项目部']);
  });

  it('prints those figures in the PDF, with each open case\'s opening and anomaly times', async () => {
    const want = expected();
    const response = await org.server.app.inject({ method: 'GET', url: `/api/hq/report.pdf?unit=${org.admin.rootUnitId}&from=${PERIOD.from}&to=${PERIOD.to}`, headers: { cookie: auditor.cookie } });
    expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
    const dir = await mkdtemp(join(tmpdir(), 'sealctl-hq-report-'));
    try {
      await writeFile(join(dir, 'report.pdf'), response.rawPayload);
      const { stdout: text } = await promisify(execFile)('pdftotext', ['-layout', '-enc', 'UTF-8', join(dir, 'report.pdf'), '-']);
      expect(text).toContain(`${FIRST_DAY} — ${LAST_DAY}`);
      expect(text).toMatch(new RegExp(`用印次数 Stamps\\s+${sum(want.bySite.values())}\\b`));
      const branches = byBranch(want.bySite);
      expect(text).toMatch(new RegExp(`East branch\\s+${branches.get(org.east)}\\b`));
      expect(text).toMatch(new RegExp(`West branch\\s+${branches.get(org.west)}\\b`));
      expect(text).toContain('立案时间 Case opened');
      expect(text).toContain('异常时间 Anomaly at');
      const cases = (await org.server.call('GET', '/api/hq/cases?kind=tamper', { cookie: auditor.cookie })).json<{ cases: CaseView[] }>().cases;
      expect(cases).toHaveLength(1);
      const row = text.split('\n').find((line) => line.includes('篡改 tamper') && line.includes(chinaTime(cases[0]!.at)));
      expect(row, text.slice(text.lastIndexOf('未结案件'))).toBeDefined();
      expect(row).toContain(chinaTime(cases[0]!.openedAt));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
