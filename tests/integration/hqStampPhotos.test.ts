/**
 * HQ takes a stamp's photo as held only as `/verify` would show it (stampPhotoLeak.test.ts): when
 * an upload under an attachment fact about the stamping device delivered its bytes. A branch
 * administrator registers a device with a key of their own and logs self-signed stamps naming the
 * photo of another unit's stamp (read off its public record), the hash of a file another unit
 * holds, and a hash nobody holds, and files the first two "photos" about their device without
 * their bytes. HQ's anomaly scan (with and without reading the bytes back, the branch's and the
 * whole organisation's) and its reconciliation of the request and of the seal must report all
 * three photos missing, alike: had a held hash come out matched, any reader of a unit could ask HQ
 * whether a hash is held anywhere in the organisation. The honest stamp, whose tablet uploaded its
 * photo under its device, is reconciled matched and opens no photo case. All over HTTP, against
 * the real server and store.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceEventHash, processSheetCode, type CaseView, type DeviceEvent, type RequestId, type UnsignedDeviceEvent } from '@seal/shared';
import { seedEvidence } from './evidenceSeed';
import { deviceWithLog, signDeviceEntry, useRequest } from './fixtures';
import { replicaPool, setUpWorld, startSyncServer, syncAll, type Person, type RunningSync, type World } from './harness';
import { creation, edit, factRowOf, push } from './hostileClient';
import { httpApi, httpCall, type HttpAnswer } from './httpWorld';

const FENCE = { lat: 31.2304, lon: 121.4737, radiusM: 300 };
const SECRET = new TextEncoder().encode('%PDF-1.4\n% CONFIDENTIAL: land price 987,654,321\n%%EOF\n');
const NOBODYS = createHash('sha256').update('bytes nobody ever uploaded').digest('hex');
const THIEF_DEVICE = 'dev-hq-thief-1';

type ReconciledStamp = { id: string; deviceId: string; seq: number; at: number; useIndex: number | null; photoSha256: string | null; photo: string };
interface RequestReconciliation { verdict: string; stamps: ReconciledStamp[]; photos: Record<string, number> }

let running: RunningSync;
let world: World;
let custodian: Person;
let honest: { requestId: string; seq: number };
const replicas = replicaPool(() => running.url);

/** One HQ request over HTTP, as the app's page would send it; 2xx expected. */
async function hq(person: Person, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<HttpAnswer> {
  const answer = await httpCall(running.url, method, path, { cookie: person.cookie, body, origin: running.server.config.origins[0] });
  expect(answer.status, `${method} ${path}: ${answer.text}`).toBeLessThan(300);
  return answer;
}

/** Scans `unit` (plainly, then reading every photo back), and the photo cases in it afterwards. */
async function scannedPhotoCases(person: Person, unit: string): Promise<{ answers: HttpAnswer[]; cases: CaseView[] }> {
  const answers = [await hq(person, 'POST', '/api/hq/anomalies/scan', { unit }), await hq(person, 'POST', '/api/hq/anomalies/scan', { unit, verifyPhotoBytes: true })];
  const listed = await hq(person, 'GET', `/api/hq/cases?unit=${unit}&limit=200`);
  answers.push(listed);
  return { answers, cases: listed.json<{ cases: CaseView[] }>().cases.filter((c) => c.kind === 'photo_missing' || c.kind === 'photo_mismatch') };
}

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  custodian = await world.person(world.siteId, ['custodian'], 'Custodian 保管员');
  const staff = await world.person(world.siteId, ['staff'], 'Staff 员工');
  const approver = await world.person(world.branchId, ['approver'], 'Approver 审批人');
  const seeded = await seedEvidence(httpApi(running.url, running.server.config.origins[0]), { custodian, staff, approver }, {
    siteId: world.siteId, fence: FENCE, deviceId: 'dev-hq-photo-1', seal: { id: 'seal-hq-photo-1', name: '项目部合同章' },
    document: { title: '分包合同 Subcontract', sha256: 'cd'.repeat(32) }, requestIdPrefix: 'req-hq-photo',
  });
  honest = { requestId: seeded.requestId, seq: Number(seeded.honest.split(':')[1]) };
  // Every photo is past its grace: a photo not held is missing at once.
  const { rules } = (await hq(world.admin, 'GET', '/api/hq/anomaly-rules')).json<{ rules: Record<string, unknown> }>();
  await hq(world.admin, 'PUT', '/api/hq/anomaly-rules', { ...rules, photoGraceHours: 0 });
}, 180_000);
afterAll(async () => running?.close());

/** A file of the site, uploaded by its staff under a request; its hash (its bytes held whole by the server). */
async function siteSecret(): Promise<string> {
  const victim = await world.person(world.siteId, ['staff'], 'Victim staff');
  const tablet = await replicas.open(victim, 'victim');
  const added = await tablet.store.attachments.add({ bytes: SECRET, about: 'request:req-hq-victim-1', mime: 'application/pdf' }, world.siteId);
  await syncAll([tablet]);
  await tablet.sync!.drainAttachments();
  expect(await running.server.store.couch.use(running.server.store.dbName('blobs')).get(`blob:${added.sha256}`)).toBeDefined();
  return added.sha256;
}

/** The photo hash of the honest stamp, as anyone reads it off the request's public record. */
async function publicPhotoHash(): Promise<string> {
  const answer = await httpCall(running.url, 'GET', `/api/verify/${encodeURIComponent(processSheetCode(honest.requestId as RequestId))}`);
  expect(answer.status, answer.text).toBe(200);
  const [stamp] = answer.json<{ record: { stamps: { photoSha256: string; photoHeld: boolean }[] } }>().record.stamps;
  expect(stamp!.photoHeld).toBe(true);
  return stamp!.photoSha256;
}

/**
 * In the other branch: the thief's own device, a seal in it and a request on it; a self-signed log
 * with a stamp naming each of `shas`; and an attachment fact filing each held one about the
 * device, with no upload behind it. Returns the stamps' seqs, in the order of `shas`.
 */
async function madeUpStamps(thief: Person, shas: readonly string[]): Promise<number[]> {
  const unit = world.otherBranchId;
  const accomplice = await world.person(unit, ['staff'], 'Staff elsewhere');
  const device = await deviceWithLog(THIEF_DEVICE, unit, 1);
  const registered = await creation(thief, 'device', device.record);
  const seal = await creation(thief, 'seal', { id: 'seal-hq-thief-1', name: '假章', kind: 'contract', form: 'physical', unitId: unit, custodianId: thief.userId, createdAt: 1_790_000_000_000, antiCounterfeitCode: '3301020012345', deviceId: THIEF_DEVICE });
  const bound = await edit(thief, 'device', registered.doc, unit, (d) => { d.state = 'bound'; d.sealId = 'seal-hq-thief-1'; });
  expect((await push(running, thief, [registered.row, seal.row, bound.row])).map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
  const request = await creation(accomplice, 'request', useRequest('req-hq-thief-1', accomplice.userId, unit, 'seal-hq-thief-1'));
  expect((await push(running, accomplice, [request.row]))[0]!.status).toBe('accepted');
  const log: DeviceEvent[] = [...device.log];
  for (const [index, photoSha256] of shas.entries()) {
    const last = log.at(-1)!;
    const stamp = { deviceId: THIEF_DEVICE, seq: last.seq + 1, prevHash: await deviceEventHash(last), at: last.at + 1, type: 'stamp', payload: { requestId: 'req-hq-thief-1', grantId: null, useIndex: index + 1, photoSha256 } };
    log.push(await signDeviceEntry(device.privateKey, stamp as UnsignedDeviceEvent));
  }
  const filed = await Promise.all(shas.filter((sha) => sha !== NOBODYS).map((sha256) => factRowOf(thief, 'attachment', { sha256, about: `device:${THIEF_DEVICE}`, mime: 'image/jpeg', size: SECRET.length, at: 1_790_000_000_100 }, unit)));
  const pushed = await push(running, thief, [...await Promise.all(log.map((e) => factRowOf(thief, 'device_event', e as never, unit))), ...filed]);
  expect(pushed.every((r) => r.status === 'accepted'), JSON.stringify(pushed)).toBe(true);
  return log.slice(-shas.length).map((e) => e.seq);
}

describe("HQ's view of a stamp's photo", () => {
  it('reconciles the honest stamp matched with its photo, and opens no photo case for it', async () => {
    const reconciled = (await hq(custodian, 'GET', `/api/hq/reconciliation/requests/${honest.requestId}`)).json<RequestReconciliation>();
    expect(reconciled.stamps).toMatchObject([{ deviceId: 'dev-hq-photo-1', seq: honest.seq, photo: 'matched' }]);
    expect(reconciled.photos).toEqual({ matched: 1, mismatched: 0, missing: 0, none: 0 });
    expect(reconciled.verdict).toBe('balanced');
    const sealRecon = (await hq(custodian, 'GET', `/api/hq/reconciliation/seals/seal-hq-photo-1?from=0&to=${Date.now() + 86_400_000}`)).json<{ photos: Record<string, number> }>();
    expect(sealRecon.photos).toEqual({ matched: 1, mismatched: 0, missing: 0, none: 0 });
    expect((await scannedPhotoCases(custodian, world.siteId)).cases).toEqual([]);
  });

  it("reports a made-up device's photos missing when they name another unit's photo or file, exactly as when they name a hash nobody holds", async () => {
    const shas = [await publicPhotoHash(), await siteSecret(), NOBODYS];
    const thief = await world.person(world.otherBranchId, ['admin'], 'Admin elsewhere');
    const seqs = await madeUpStamps(thief, shas);
    const keys = seqs.map((seq) => `photo_missing:${THIEF_DEVICE}:${seq}`);

    // The anomaly scan, by HQ of everything (first: cases stay open), then by the thief of their
    // branch: a photo case for each made-up stamp, alike, and none for the honest one.
    const whole = await scannedPhotoCases(world.admin, world.admin.rootUnitId);
    const branch = await scannedPhotoCases(thief, world.otherBranchId);
    for (const { cases } of [whole, branch]) {
      expect(cases.map((c) => c.caseKey).sort()).toEqual([...keys].sort());
      const shapes = seqs.map((seq, i) => {
        const c = cases.find((found) => found.caseKey === keys[i]);
        return { kind: c?.kind, severity: c?.severity, message: c?.message.replace(shas[i]!.slice(0, 12), '<hash>').replace(String(seq), '<seq>'), evidence: c?.evidence.length };
      });
      expect(shapes).toEqual(seqs.map(() => ({ kind: 'photo_missing', severity: 'warning', message: 'the photo <hash>… of stamp <seq> never arrived', evidence: 1 })));
    }

    // Reconciliation of the request and of the seal: every photo missing, none matched.
    const request = await hq(thief, 'GET', '/api/hq/reconciliation/requests/req-hq-thief-1');
    const reconciled = request.json<RequestReconciliation>();
    expect(reconciled.stamps.map((s) => [s.seq, s.photoSha256, s.photo])).toEqual(seqs.map((seq, i) => [seq, shas[i], 'missing']));
    expect(reconciled.photos).toEqual({ matched: 0, mismatched: 0, missing: 3, none: 0 });
    // The stamps differ in what the device logged (seq, time, use, hash), and in nothing else.
    const told = ({ id: _id, seq: _seq, at: _at, useIndex: _use, photoSha256: _sha, ...rest }: ReconciledStamp) => rest;
    expect(reconciled.stamps.map(told)).toEqual(reconciled.stamps.map(() => told(reconciled.stamps[2]!)));
    const seal = await hq(thief, 'GET', `/api/hq/reconciliation/seals/seal-hq-thief-1?from=0&to=${Date.now() + 86_400_000}`);
    expect(seal.json<{ photos: Record<string, number> }>().photos).toEqual({ matched: 0, mismatched: 0, missing: 3, none: 0 });

    // Nothing HQ answered the thief tells a held hash from the other: no match, no mismatch, no blob named.
    for (const answer of [...branch.answers, request, seal]) {
      expect(answer.text).not.toContain('"photo":"matched"');
      expect(answer.text).not.toContain('photo_mismatch');
      for (const sha of shas) expect(answer.text).not.toContain(`blob:${sha}`);
    }
  });
});
