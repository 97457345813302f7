/**
 * The exception queue over HTTP: a generated history (East and West, signed device logs, planted
 * anomalies) stored as replication leaves it; scanning opens one case per planted root cause and
 * nothing on a second scan; scope decides who sees and reviews what; every step is audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ANOMALY_RULES, type CaseView, type SpotCheckView } from '@seal/shared';
import { generateHistory, type GeneratedHistory } from '@seal/shared/testing';
import { startTestOrganisation, type TestOrganisation, type TestPerson } from '../../testing/testOrganisation';
import { storeHistory } from '../../testing/storeHistory';

let org: TestOrganisation;
let generated: GeneratedHistory;
let auditorEast: TestPerson;
let staffEast: TestPerson;
const cases = async (cookie: string, query = '') => (await org.server.call('GET', `/api/hq/cases${query}`, { cookie })).json<{ cases: CaseView[]; nextCursor: string | null; total: number }>();
const auditActions = async () => (await org.server.repos.audit.list(0, 10_000)).map((r) => ({ action: r.action, target: r.target.id, actor: 'userId' in r.actor ? r.actor.userId : 'system' }));

beforeAll(async () => {
  org = await startTestOrganisation();
  // Four devices a branch; plants go to devices 1–6: East gets the first three, West the other three.
  generated = await generateHistory({ seed: 5, branches: 2, sitesPerBranch: 1, devicesPerSite: 4, weeks: 2, siteUnits: [org.east, org.west], plants: ['over_use', 'tamper', 'refusal_burst', 'off_hours', 'photo_missing', 'photo_mismatch'] });
  await storeHistory(org.server, generated.history, generated.photoBytes);
  auditorEast = await org.invite(org.east, ['auditor'], 'East auditor 审计');
  staffEast = await org.invite(org.east, ['staff'], 'East staff');
}, 120_000);
afterAll(async () => org?.close());

describe('anomaly cases over HTTP', () => {
  it('lets the HQ admin set the rules (audited) and refuses anyone else or a bad threshold', async () => {
    // The history is from March; the server's clock is now: a year of silence is no anomaly here.
    const rules = { ...DEFAULT_ANOMALY_RULES, silenceDays: 365 };
    const put = await org.server.call('PUT', '/api/hq/anomaly-rules', { cookie: org.admin.cookie, body: rules });
    expect(put.statusCode).toBe(200);
    expect((await org.server.call('GET', '/api/hq/anomaly-rules', { cookie: auditorEast.cookie })).json<{ rules: unknown }>().rules).toEqual(rules);
    expect((await org.server.call('PUT', '/api/hq/anomaly-rules', { cookie: auditorEast.cookie, body: rules })).statusCode).toBe(403);
    for (const bad of [{ ...rules, silenceDays: 0 }, { ...rules, extra: 1 }, { ...rules, workingHours: { ...rules.workingHours, utcOffset: '8' } }, { ...rules, workingHours: { ...rules.workingHours, start: '19:00' } }]) {
      const refused = await org.server.call('PUT', '/api/hq/anomaly-rules', { cookie: org.admin.cookie, body: bad });
      expect(refused.statusCode, JSON.stringify(bad)).toBe(400);
      expect(refused.json<{ error: string }>().error).toBe('invalid_body');
    }
    expect((await auditActions()).filter((a) => a.action === 'anomaly_rules.update')).toHaveLength(1);
  });

  it('opens one case per planted root cause, and none on a second scan', async () => {
    // A plain scan trusts the upload check: the photo corrupted in storage since is not seen.
    const plain = await org.server.call('POST', '/api/hq/anomalies/scan', { cookie: org.admin.cookie, body: { unit: org.west } });
    expect(plain.statusCode, plain.body).toBe(200);
    expect(plain.json()).toMatchObject({ opened: 2 });
    const first = await org.server.call('POST', '/api/hq/anomalies/scan', { cookie: org.admin.cookie, body: { unit: org.admin.rootUnitId, verifyPhotoBytes: true } });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ devices: 8, anomalies: generated.planted.length, opened: generated.planted.length - 2, updated: 0 });
    const again = await org.server.call('POST', '/api/hq/anomalies/scan', { cookie: org.admin.cookie, body: { unit: org.admin.rootUnitId, verifyPhotoBytes: true } });
    expect(again.json()).toMatchObject({ opened: 0, updated: 0 });
    const all = await cases(org.admin.cookie, '?limit=200');
    expect(all.cases.map((c) => c.caseKey).sort()).toEqual(generated.planted.map((p) => p.caseKey).sort());
    expect(all.cases.every((c) => c.status === 'open')).toBe(true);
    expect((await auditActions()).filter((a) => a.action === 'case.open')).toHaveLength(generated.planted.length);
  });

  it('pages by cursor and filters by kind and unit', async () => {
    const first = await cases(org.admin.cookie, '?limit=2');
    expect(first.cases).toHaveLength(2);
    const second = await cases(org.admin.cookie, `?limit=2&cursor=${first.nextCursor}`);
    expect(second.cases.map((c) => c.id)).not.toContain(first.cases[0]!.id);
    expect((await cases(org.admin.cookie, '?kind=tamper')).cases.map((c) => c.kind)).toEqual(['tamper']);
    expect((await cases(org.admin.cookie, `?unit=${org.west}`)).cases.map((c) => c.kind).sort()).toEqual(['off_hours', 'photo_mismatch', 'photo_missing']);
  });

  it('shows an East auditor East cases only: a West case can be neither seen nor resolved', async () => {
    const seen = await cases(auditorEast.cookie);
    expect(seen.cases.map((c) => c.kind).sort()).toEqual(['over_use', 'refusal_burst', 'tamper']);
    const west = (await cases(org.admin.cookie, `?unit=${org.west}`)).cases[0]!;
    expect((await org.server.call('GET', `/api/hq/cases/${west.id}`, { cookie: auditorEast.cookie })).statusCode).toBe(404);
    const resolve = await org.server.call('POST', `/api/hq/cases/${west.id}/resolve`, { cookie: auditorEast.cookie, body: { note: '看过了' } });
    expect(resolve.statusCode).toBe(404);
    expect((await org.server.call('GET', `/api/hq/cases/${west.id}`, { cookie: org.admin.cookie })).json<{ case: CaseView }>().case.status).toBe('open');
    // Staff read no cases at all.
    expect((await org.server.call('GET', '/api/hq/cases', { cookie: staffEast.cookie })).statusCode).toBe(403);
  });

  it('takes a case through acknowledged to resolved with a note, each step audited; a note is required', async () => {
    const tamper = (await cases(auditorEast.cookie, '?kind=tamper')).cases[0]!;
    const ack = await org.server.call('POST', `/api/hq/cases/${tamper.id}/acknowledge`, { cookie: auditorEast.cookie, body: {} });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json<{ case: CaseView }>().case).toMatchObject({ status: 'acknowledged', acknowledgedBy: auditorEast.userId });
    for (const body of [{}, { note: '   ' }, { note: 'ok', extra: true }]) {
      const refused = await org.server.call('POST', `/api/hq/cases/${tamper.id}/resolve`, { cookie: auditorEast.cookie, body });
      expect(refused.statusCode, JSON.stringify(body)).toBe(400);
      expect(refused.json<{ error: string }>().error).toBe('invalid_body');
    }
    const resolved = await org.server.call('POST', `/api/hq/cases/${tamper.id}/resolve`, { cookie: auditorEast.cookie, body: { note: '外壳更换，厂家已确认' } });
    expect(resolved.json<{ case: CaseView }>().case).toMatchObject({ status: 'resolved', resolvedBy: auditorEast.userId, resolution: '外壳更换，厂家已确认' });
    expect((await org.server.call('POST', `/api/hq/cases/${tamper.id}/acknowledge`, { cookie: auditorEast.cookie, body: {} })).statusCode).toBe(409);
    const steps = (await auditActions()).filter((a) => a.target === tamper.id);
    expect(steps.map((s) => s.action)).toEqual(['case.open', 'case.acknowledge', 'case.resolve']);
    expect(steps.slice(1).every((s) => s.actor === auditorEast.userId)).toBe(true);
    // Scanning again keeps it resolved, and opens nothing.
    const rescan = await org.server.call('POST', '/api/hq/anomalies/scan', { cookie: auditorEast.cookie, body: { unit: org.east } });
    expect(rescan.json()).toMatchObject({ opened: 0, updated: 0 });
    expect((await org.server.call('GET', `/api/hq/cases/${tamper.id}`, { cookie: auditorEast.cookie })).json<{ case: CaseView }>().case.status).toBe('resolved');
  });

  it('reconciles the over-used request: 3 stamps recorded against 2 approved', async () => {
    const requestId = generated.history.requests.find((r) => r.id.endsWith('-over'))!.id;
    const res = await org.server.call('GET', `/api/hq/reconciliation/requests/${requestId}`, { cookie: auditorEast.cookie });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ verdict: 'over_use', usesApproved: 2, usesRecorded: 3 });
    const sealId = generated.history.seals[0]!.id;
    expect((await org.server.call('GET', `/api/hq/reconciliation/seals/${sealId}?from=10&to=5`, { cookie: auditorEast.cookie })).statusCode).toBe(400);
    const seal = await org.server.call('GET', `/api/hq/reconciliation/seals/${sealId}?from=0&to=9999999999999`, { cookie: auditorEast.cookie });
    expect(seal.statusCode, seal.body).toBe(200);
    expect(seal.json<{ stamps: number }>().stamps).toBeGreaterThan(0);
  });
});

describe('spot checks over HTTP', () => {
  const draw = (cookie: string, body: object) => org.server.call('POST', '/api/hq/spot-checks', { cookie, body });

  it('draws the same sample from the same seed, records verdicts, and audits both', async () => {
    const body = { unit: org.east, from: 0, to: 9_999_999_999_999, size: 6, seed: 20260302 };
    const a = await draw(auditorEast.cookie, body);
    expect(a.statusCode, a.body).toBe(201);
    const b = await draw(auditorEast.cookie, body);
    const first = a.json<{ spotCheck: SpotCheckView }>().spotCheck;
    const second = b.json<{ spotCheck: SpotCheckView }>().spotCheck;
    expect(first.id).not.toBe(second.id);
    expect(first.sample.map((s) => s.stampId)).toEqual(second.sample.map((s) => s.stampId));
    expect(first.sample).toHaveLength(6);
    expect(first.candidates).toBeGreaterThan(6);
    const other = (await draw(auditorEast.cookie, { ...body, seed: 1 })).json<{ spotCheck: SpotCheckView }>().spotCheck;
    expect(other.sample.map((s) => s.stampId)).not.toEqual(first.sample.map((s) => s.stampId));

    const stampId = first.sample[0]!.stampId;
    const verdict = await org.server.call('POST', `/api/hq/spot-checks/${first.id}/verdicts`, { cookie: auditorEast.cookie, body: { verdicts: [{ stampId, verdict: 'ok', note: '照片与合同一致' }] } });
    expect(verdict.statusCode, verdict.body).toBe(200);
    expect(verdict.json<{ spotCheck: SpotCheckView }>().spotCheck.sample[0]!.verdict).toMatchObject({ verdict: 'ok', by: auditorEast.userId });
    const stored = (await org.server.call('GET', `/api/hq/spot-checks/${first.id}`, { cookie: org.admin.cookie })).json<{ spotCheck: SpotCheckView }>().spotCheck;
    expect(stored.sample[0]!.verdict?.note).toBe('照片与合同一致');
    const steps = (await auditActions()).filter((s) => s.target === first.id).map((s) => s.action);
    expect(steps).toEqual(['spot_check.create', 'spot_check.verdict']);
    // A stamp outside the sample is refused.
    const outside = await org.server.call('POST', `/api/hq/spot-checks/${first.id}/verdicts`, { cookie: auditorEast.cookie, body: { verdicts: [{ stampId: 'fact:device_event:x:1', verdict: 'ok' }] } });
    expect(outside.statusCode).toBe(400);
  });

  it('keeps an East auditor out of West', async () => {
    const res = await draw(auditorEast.cookie, { unit: org.west, from: 0, to: 1, size: 1 });
    expect(res.statusCode).toBe(403);
    expect(res.json<{ error: string }>().error).toBe('out_of_scope');
  });
});

describe('bad input is refused 4xx, never 5xx', () => {
  it('answers each malformed request with a 4xx', async () => {
    const someCase = (await cases(org.admin.cookie)).cases[0]!.id;
    const attempts: [string, string, unknown?][] = [
      ['GET', '/api/hq/cases?kind=bogus'],
      ['GET', '/api/hq/cases?status=closed'],
      ['GET', '/api/hq/cases?cursor=%00%01'],
      ['GET', '/api/hq/cases?cursor=1_deadbeef'],
      ['GET', '/api/hq/cases?limit=0'],
      ['GET', '/api/hq/cases?unit=nowhere'],
      ['GET', '/api/hq/cases?unknown=1'],
      ['GET', '/api/hq/cases/not-a-case'],
      ['GET', `/api/hq/cases/${'0'.repeat(32)}`],
      ['POST', `/api/hq/cases/${someCase}/resolve`, { note: 7 }],
      ['POST', `/api/hq/cases/${someCase}/resolve`, []],
      ['POST', `/api/hq/cases/${someCase}/acknowledge`, { note: 'x'.repeat(3000) }],
      ['POST', '/api/hq/anomalies/scan', { unit: '_design' }],
      ['POST', '/api/hq/anomalies/scan', { unit: 'nowhere' }],
      ['POST', '/api/hq/anomalies/scan', {}],
      ['POST', '/api/hq/spot-checks', { unit: org.east, from: 5, to: 1, size: 1 }],
      ['POST', '/api/hq/spot-checks', { unit: org.east, from: 0, to: 1, size: 0 }],
      ['POST', '/api/hq/spot-checks', { unit: org.east, from: 0, to: 1, size: 1, seed: -1 }],
      ['POST', `/api/hq/spot-checks/${'0'.repeat(32)}/verdicts`, { verdicts: [{ stampId: 'x', verdict: 'ok' }] }],
      ['POST', `/api/hq/spot-checks/${'0'.repeat(32)}/verdicts`, { verdicts: [] }],
      ['GET', '/api/hq/reconciliation/requests/nope'],
      ['GET', '/api/hq/reconciliation/seals/nope?from=0&to=1'],
      ['GET', '/api/hq/reconciliation/seals/nope?from=a&to=1'],
    ];
    for (const [method, url, body] of attempts) {
      const res = await org.server.call(method as 'GET' | 'POST', url, { cookie: org.admin.cookie, ...(body === undefined ? {} : { body }) });
      expect(res.statusCode, `${method} ${url} → ${res.body}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, `${method} ${url} → ${res.body}`).toBeLessThan(500);
    }
  });
});
