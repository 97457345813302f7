/**
 * Evidence anyone can verify: real stamps made through the real server (a reference device
 * provisioned, bound, rostered and timed by the org key over HTTP; requests approved by passkeys;
 * the device's log and photos recorded by a staff member's tablet), an auditor downloads a
 * stamp's bundle, the organisation's public key is written ALONE to a temp dir, and the CLI runs
 * in a separate process on the honest bundle and on bundles with one thing changed — each named
 * by the check that fails. A second stamp's approval is dated after its passkey was revoked: its
 * honest bundle fails on that approval.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url, type EvidenceBundle, type EvidenceResponse } from '@seal/shared';
import { seedEvidence } from './evidenceSeed';
import { setUpWorld, startSyncServer, type Person, type RunningSync, type World } from './harness';
import { sealRecord, useRequest } from './fixtures';
import { creation, outcomes, push } from './hostileClient';
import { httpApi } from './httpWorld';

const DEVICE_ID = 'dev-evidence-1';
const FENCE = { lat: 31.2304, lon: 121.4737, radiusM: 300 };
const ROOT = resolve(import.meta.dirname, '../..');

let running: RunningSync;
let world: World;
let custodian: Person;
let staff: Person;
let auditor: Person;
let dir: string;
const stamps: { honest: string; revoked: string; requestId: string } = { honest: '', revoked: '', requestId: '' };

async function call<T>(method: 'GET' | 'POST', url: string, cookie: string, body?: unknown): Promise<T> {
  const response = await running.server.call(method, url, { cookie, ...(body === undefined ? {} : { body }) });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<T>();
}

/** Over real HTTP, as a browser would download it. */
const download = (path: string, person: Person) => fetch(`${running.url}${path}`, { headers: { cookie: person.cookie } });

/** The CLI in a process of its own: exit code and output. */
function cli(...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    execFile(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'scripts/verify-bundle.ts'), ...args], { cwd: ROOT }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, out: `${stdout}${stderr}` });
    });
  });
}

async function verifyFile(name: string, bundle: unknown) {
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(bundle));
  return cli('verify', path, '--org-key', join(dir, 'org-public-key.jwk.json'));
}

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  custodian = await world.person(world.siteId, ['custodian'], 'Custodian 保管员');
  staff = await world.person(world.siteId, ['staff'], 'Staff 员工');
  const approver = await world.person(world.branchId, ['approver'], 'Approver 审批人');
  const lateApprover = await world.person(world.branchId, ['approver'], 'Late approver 审批人');
  auditor = await world.person(world.admin.rootUnitId, ['auditor'], 'Auditor 审计');
  dir = await mkdtemp(join(tmpdir(), 'evidence-'));
  const seeded = await seedEvidence(httpApi(running.url, running.server.config.origins[0]), { custodian, staff, approver, lateApprover, admin: world.admin }, {
    siteId: world.siteId, fence: FENCE, deviceId: DEVICE_ID, seal: { id: 'seal-evidence-1', name: '项目部合同章' },
    document: { title: '分包合同 Subcontract', sha256: 'cd'.repeat(32) }, requestIdPrefix: 'req-evidence',
  });
  stamps.honest = seeded.honest;
  stamps.revoked = seeded.revoked!;
  stamps.requestId = seeded.requestId;
  // The organisation's public key, alone, as a verifier outside would hold it.
  await writeFile(join(dir, 'org-public-key.jwk.json'), JSON.stringify((await (await fetch(`${running.url}/api/org-key`)).json() as { publicJwk: unknown }).publicJwk));
}, 180_000);

afterAll(async () => {
  await running?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('an evidence bundle, verified in a separate process with only the organisation public key', () => {
  let honest: EvidenceBundle;

  it('downloads as a file, and the CLI accepts it (exit 0), each check printed', async () => {
    const response = await download(`/api/hq/bundles/stamps/${stamps.honest}`, auditor);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="evidence-stamp-${stamps.honest.replace(':', '-')}.json"`);
    honest = (await response.json()) as EvidenceBundle;
    const { code, out } = await verifyFile('honest.json', honest);
    expect(out).toMatch(/^VALID: all \d+ checks hold$/m);
    for (const check of ['log.chain', 'grant.terms', 'decision.assertion', 'stamp.photo', 'stamp.place', 'stamp.clock']) expect(out).toMatch(new RegExp(`^PASS {2}${check.replace('.', '\\.')} `, 'm'));
    expect(code, out).toBe(0);
  }, 60_000);

  it('rejects a changed photo byte (exit 1), naming the photo', async () => {
    const changed = structuredClone(honest);
    const bytes = fromBase64Url(changed.stamps[0]!.photo!.bytes);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x01;
    changed.stamps[0]!.photo!.bytes = toBase64Url(bytes);
    const { code, out } = await verifyFile('photo.json', changed);
    expect(out).toMatch(/^FAIL {2}stamp\.photo .*the photo was changed/m);
    expect(code, out).toBe(1);
  }, 60_000);

  it('rejects a changed grant term (exit 1), naming the grant', async () => {
    const changed = structuredClone(honest);
    changed.grants[0]!.window.notAfter += 86_400_000;
    const { code, out } = await verifyFile('grant.json', changed);
    expect(out).toMatch(/^FAIL {2}grant\.terms .*window/m);
    expect(out).toMatch(/^FAIL {2}grant\.content /m);
    expect(code, out).toBe(1);
  }, 60_000);

  it('rejects a removed log entry (exit 1), naming the chain', async () => {
    const changed = structuredClone(honest);
    changed.log.splice(2, 1);
    const { code, out } = await verifyFile('log.json', changed);
    expect(out).toMatch(/^FAIL {2}log\.chain .*gap at 2/m);
    expect(code, out).toBe(1);
  }, 60_000);

  it('rejects an approval by a passkey already revoked when it was made (exit 1), naming the decision', async () => {
    const response = await download(`/api/hq/bundles/stamps/${stamps.revoked}`, auditor);
    expect(response.status).toBe(200);
    const { code, out } = await verifyFile('revoked.json', await response.json());
    expect(out).toMatch(/^FAIL {2}decision\.assertion .*already revoked when the decision was made/m);
    expect(out).toMatch(/^PASS {2}bundle\.attestation /m);
    expect(code, out).toBe(1);
  }, 60_000);

  it('says so for a usage error (exit 2)', async () => {
    expect((await cli('verify', join(dir, 'honest.json'))).code).toBe(2);
  }, 60_000);
});

describe('evidence through the API', () => {
  it("exports a request's bundle (all its stamps), which verifies", async () => {
    const response = await download(`/api/hq/bundles/requests/${stamps.requestId}`, auditor);
    expect(response.status).toBe(200);
    const bundle = (await response.json()) as EvidenceBundle;
    expect(bundle).toMatchObject({ kind: 'request', stamps: [{ seq: Number(stamps.honest.split(':')[1]) }] });
    const { code, out } = await verifyFile('request.json', bundle);
    expect(out).toMatch(/^PASS {2}records\.stamps /m);
    expect(code, out).toBe(0);
  }, 60_000);

  it("shows a stamp's evidence with each check, and a seal's ledger with each request's verdict", async () => {
    const evidence = await call<EvidenceResponse>('GET', `/api/hq/evidence/stamps/${stamps.honest}`, auditor.cookie);
    expect(evidence.report.valid).toBe(true);
    expect(evidence.report.checks.find((c) => c.check === 'stamp.photo')).toMatchObject({ ok: true });
    const ledger = await call<{ requests: { requestId: string; valid: boolean; failed: string[] }[] }>('GET', '/api/hq/evidence/seals/seal-evidence-1', auditor.cookie);
    expect(ledger.requests.map(({ requestId, valid, failed }) => ({ requestId, valid, failed }))).toEqual([
      { requestId: 'req-evidence-1', valid: true, failed: [] },
      { requestId: 'req-evidence-2', valid: false, failed: ['decision.assertion', 'grant.approvals'] },
    ]);
  }, 60_000);

  it('refuses a staff member (403), and answers 404 for a stamp that does not exist', async () => {
    for (const path of [`/api/hq/evidence/stamps/${stamps.honest}`, `/api/hq/bundles/stamps/${stamps.honest}`, `/api/hq/bundles/requests/${stamps.requestId}`]) {
      const refused = await running.server.call('GET', path, { cookie: staff.cookie });
      expect(refused.statusCode, path).toBe(403);
    }
    const custodianExport = await running.server.call('GET', `/api/hq/bundles/stamps/${stamps.honest}`, { cookie: custodian.cookie });
    expect(custodianExport.statusCode).toBe(403);
    const unknown = await running.server.call('GET', `/api/hq/evidence/stamps/${DEVICE_ID}:9999`, { cookie: auditor.cookie });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: 'not_found' });
    const unknownRequest = await running.server.call('GET', '/api/hq/bundles/requests/req-nowhere', { cookie: auditor.cookie });
    expect(unknownRequest.statusCode).toBe(404);
  }, 60_000);

  it("refuses a reader outside the seal's scope before assembling anything: the 404 of a request not recorded, whether or not the evidence is complete", async () => {
    const outsider = await world.person(world.otherBranchId, ['auditor'], 'Other auditor 审计');
    // A request on an electronic seal: no device log, so a bundle cannot be assembled (409 in scope).
    const seal = await creation(custodian, 'seal', sealRecord('seal-evidence-e', world.siteId, custodian.userId));
    const request = await creation(staff, 'request', useRequest('req-evidence-e', staff.userId, world.siteId, 'seal-evidence-e'));
    expect(outcomes(await push(running, custodian, [seal.row]))).toEqual(['accepted']);
    expect(outcomes(await push(running, staff, [request.row]))).toEqual(['accepted']);
    expect((await running.server.call('GET', '/api/hq/bundles/requests/req-evidence-e', { cookie: auditor.cookie })).statusCode).toBe(409);
    for (const path of ['/api/hq/bundles/requests/req-evidence-e', '/api/hq/evidence/requests/req-evidence-e', `/api/hq/bundles/requests/${stamps.requestId}`]) {
      const refused = await running.server.call('GET', path, { cookie: outsider.cookie });
      expect({ path, status: refused.statusCode, error: refused.json<{ error: string }>().error }).toEqual({ path, status: 404, error: 'not_found' });
    }
    // A stamp of a device outside their scope: the 404 of any entry there (crossUnitLeaks.test.ts).
    for (const path of [`/api/hq/evidence/stamps/${stamps.honest}`, `/api/hq/bundles/stamps/${stamps.honest}`]) {
      const refused = await running.server.call('GET', path, { cookie: outsider.cookie });
      expect({ path, status: refused.statusCode, error: refused.json<{ error: string }>().error }).toEqual({ path, status: 404, error: 'not_found' });
    }
  }, 60_000);
});
