/**
 * A hash opens no bytes. Anyone who may register a device in some unit chooses its key, so it can
 * log a "stamp" naming any photo hash — one read off a public record, say. The bytes held under
 * that hash (another unit's confidential PDF) must come out neither on `/verify` (the stamp's
 * photo, with no sign-in) nor in an HQ evidence bundle of that stamp: a stamp's photo is shown
 * only when an upload under an attachment fact about the stamping device delivered its bytes. The
 * honest stamp's photo is still shown, and served.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceEventHash, processSheetCode, type DeviceEvent, type RequestId, type UnsignedDeviceEvent } from '@seal/shared';
import { seedEvidence } from './evidenceSeed';
import { deviceWithLog, signDeviceEntry, useRequest } from './fixtures';
import { replicaPool, setUpWorld, startSyncServer, syncAll, type Person, type RunningSync, type World } from './harness';
import { creation, edit, factRowOf, push } from './hostileClient';
import { httpApi } from './httpWorld';

const FENCE = { lat: 31.2304, lon: 121.4737, radiusM: 300 };
const SECRET = new TextEncoder().encode('%PDF-1.4\n% CONFIDENTIAL: merger terms, price 123,456,789\n%%EOF\n');

let running: RunningSync;
let world: World;
let honest: { requestId: string; seq: number };
const replicas = replicaPool(() => running.url);

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  const custodian = await world.person(world.siteId, ['custodian'], 'Custodian 保管员');
  const staff = await world.person(world.siteId, ['staff'], 'Staff 员工');
  const approver = await world.person(world.branchId, ['approver'], 'Approver 审批人');
  const seeded = await seedEvidence(httpApi(running.url, running.server.config.origins[0]), { custodian, staff, approver }, {
    siteId: world.siteId, fence: FENCE, deviceId: 'dev-photo-1', seal: { id: 'seal-photo-1', name: '项目部合同章' },
    document: { title: '分包合同 Subcontract', sha256: 'ab'.repeat(32) }, requestIdPrefix: 'req-photo',
  });
  honest = { requestId: seeded.requestId, seq: Number(seeded.honest.split(':')[1]) };
}, 180_000);
afterAll(async () => running?.close());

const verifyPath = (requestId: string) => `/api/verify/${encodeURIComponent(processSheetCode(requestId as RequestId))}`;

interface PublicStamp { deviceId: string; seq: number; photoSha256: string | null; photoHeld: boolean }

async function publicStamps(requestId: string): Promise<PublicStamp[]> {
  const response = await running.server.app.inject({ method: 'GET', url: verifyPath(requestId) });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ record: { stamps: PublicStamp[] } }>().record.stamps;
}

/** A file of the site, uploaded by its staff; its hash (its bytes held whole by the server). */
async function siteSecret(): Promise<string> {
  const victim = await world.person(world.siteId, ['staff'], 'Victim staff');
  const tablet = await replicas.open(victim, 'victim');
  const added = await tablet.store.attachments.add({ bytes: SECRET, about: 'request:req-victim-1', mime: 'application/pdf' }, world.siteId);
  await syncAll([tablet]);
  await tablet.sync!.drainAttachments();
  expect(await running.server.store.couch.use(running.server.store.dbName('blobs')).get(`blob:${added.sha256}`)).toBeDefined();
  return added.sha256;
}

/** In another branch: a device of the thief's making, a seal in it, a request on it, and a self-signed log whose stamp names `sha`. */
async function madeUpStamp(sha: string): Promise<{ thief: Person; auditor: Person; stampId: string }> {
  const unit = world.otherBranchId;
  const thief = await world.person(unit, ['admin'], 'Admin elsewhere');
  const accomplice = await world.person(unit, ['staff'], 'Staff elsewhere');
  const auditor = await world.person(unit, ['auditor'], 'Auditor elsewhere');
  const device = await deviceWithLog('dev-thief-1', unit, 1);
  const registered = await creation(thief, 'device', device.record);
  const seal = await creation(thief, 'seal', { id: 'seal-thief-1', name: '假章', kind: 'contract', form: 'physical', unitId: unit, custodianId: thief.userId, createdAt: 1_790_000_000_000, antiCounterfeitCode: '3301020012345', deviceId: 'dev-thief-1' });
  const bound = await edit(thief, 'device', registered.doc, unit, (d) => { d.state = 'bound'; d.sealId = 'seal-thief-1'; });
  expect((await push(running, thief, [registered.row, seal.row, bound.row])).map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
  const request = await creation(accomplice, 'request', useRequest('req-thief-1', accomplice.userId, unit, 'seal-thief-1'));
  expect((await push(running, accomplice, [request.row]))[0]!.status).toBe('accepted');
  // A signed binding of the seal in that device, as any custodian or admin of the unit may have.
  const binding = await running.server.call('POST', '/api/devices/dev-thief-1/binding', {
    cookie: thief.cookie, body: { sealId: 'seal-thief-1', sealKind: 'contract', minApprovals: 1, custodianId: thief.userId, unitId: unit },
  });
  expect(binding.statusCode, binding.body).toBe(200);
  const log: DeviceEvent[] = [...device.log];
  const last = log.at(-1)!;
  const stamp = { deviceId: 'dev-thief-1', seq: last.seq + 1, prevHash: await deviceEventHash(last), at: last.at + 1, type: 'stamp', payload: { requestId: 'req-thief-1', grantId: null, useIndex: 1, photoSha256: sha } };
  log.push(await signDeviceEntry(device.privateKey, stamp as UnsignedDeviceEvent));
  const pushed = await push(running, thief, await Promise.all(log.map((e) => factRowOf(thief, 'device_event', e as never, unit))));
  expect(pushed.every((r) => r.status === 'accepted'), JSON.stringify(pushed)).toBe(true);
  return { thief, auditor, stampId: `dev-thief-1:${stamp.seq}` };
}

describe("a stamp's photo", () => {
  it('is shown and served for the honest stamp, whose tablet uploaded it under the device', async () => {
    const [stamp] = await publicStamps(honest.requestId);
    expect(stamp).toMatchObject({ deviceId: 'dev-photo-1', seq: honest.seq, photoHeld: true });
    const photo = await running.server.app.inject({ method: 'GET', url: `${verifyPath(honest.requestId)}/photos/${stamp!.photoSha256}` });
    expect(photo.statusCode).toBe(200);
    expect(createHash('sha256').update(photo.rawPayload).digest('hex')).toBe(stamp!.photoSha256);
  });

  it("is not another unit's file whose hash a made-up device's stamp names: not on /verify, not in an HQ bundle", async () => {
    const sha = await siteSecret();
    const { auditor, stampId } = await madeUpStamp(sha);
    const [stamp] = await publicStamps('req-thief-1');
    // The stamp is listed (the record shows what the device logged), its photo not held.
    expect(stamp).toMatchObject({ deviceId: 'dev-thief-1', photoSha256: sha, photoHeld: false });
    const photo = await running.server.app.inject({ method: 'GET', url: `${verifyPath('req-thief-1')}/photos/${sha}` });
    expect(photo.statusCode).toBe(404);
    expect(photo.body).not.toContain('CONFIDENTIAL');
    const bundle = await running.server.call('GET', `/api/hq/bundles/stamps/${stampId}`, { cookie: auditor.cookie });
    expect(bundle.body).not.toContain(Buffer.from(SECRET).toString('base64url').slice(0, 40));
    // The bundle is made (the unit's auditor may have it), with no photo in it.
    expect(bundle.statusCode, bundle.body).toBe(200);
    expect(bundle.json<{ stamps: { seq: number; photo: unknown }[] }>().stamps).toEqual([{ seq: Number(stampId.split(':')[1]), photo: null }]);
  });
});
