/**
 * The org key signs a seal device's binding only for a seal recorded on the server, locked in
 * that device, and only as its record says — kind, custodian, unit, and at least the approvals
 * its kind's route needs. A custodian or admin cannot sign a device into accepting one approval
 * for an official seal (公章), nor bind a seal to a device it is not locked in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SealRecord } from '@seal/shared';
import { deviceRecord, holdingSeal } from './fixtures';
import { replicaPool, setUpWorld, startSyncServer, syncAll, type Person, type RunningSync, type World } from './harness';

let running: RunningSync;
let world: World;
let custodian: Person;
const replicas = replicaPool(() => running.url);

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  custodian = await world.person(world.siteId, ['custodian'], 'Custodian 保管员');
}, 60_000);
afterAll(async () => running?.close());

const bind = (deviceId: string, body: Record<string, unknown>) =>
  running.server.call('POST', `/api/devices/${deviceId}/binding`, { cookie: custodian.cookie, body });

describe('signed seal bindings follow the seal records', () => {
  it('signs the binding the record says, and refuses every other', async () => {
    const tablet = await replicas.open(custodian, 'custodian');
    const official = {
      id: 'seal-site-official', name: '项目部公章', kind: 'official', form: 'physical', unitId: world.siteId, custodianId: custodian.userId,
      createdAt: 0, antiCounterfeitCode: '3301020012345', deviceId: 'dev-official',
    } as unknown as SealRecord;
    // Registered first: a seal is locked only in a device on record.
    for (const deviceId of ['dev-official', 'dev-other']) await tablet.store.records.create('device', await deviceRecord(deviceId, world.siteId) as never);
    await tablet.store.records.create('seal', official, [], [holdingSeal('dev-official', 'seal-site-official')]);
    await tablet.store.records.create('seal', { ...official, id: 'seal-site-e', name: '电子章', form: 'electronic', deviceId: undefined } as unknown as SealRecord);
    await syncAll([tablet]);
    expect(tablet.store.status.get().refusals).toEqual([]);

    const asked = { sealId: official.id, sealKind: 'official', minApprovals: 2, custodianId: custodian.userId, unitId: world.siteId };
    const signed = await bind('dev-official', asked);
    expect(signed.statusCode, signed.body).toBe(200);
    expect(signed.json<{ record: { sealId: string; route: unknown } }>().record).toMatchObject({ sealId: official.id, route: { sealKind: 'official', minApprovals: 2 } });

    const refusals: [string, string, Record<string, unknown>, RegExp][] = [
      ['one approval for an official seal', 'dev-official', { ...asked, minApprovals: 1 }, /needs 2 approvals/],
      ['another kind', 'dev-official', { ...asked, sealKind: 'contract', minApprovals: 1 }, /is of kind official, not contract/],
      ['another custodian', 'dev-official', { ...asked, custodianId: world.admin.userId }, /custodian/],
      ['a device the seal is not locked in', 'dev-other', asked, /locked in device "dev-official", not "dev-other"/],
      ['a device nobody registered', 'dev-nowhere', asked, /"dev-nowhere" is not registered/],
      ['a seal nobody recorded', 'dev-other', { ...asked, sealId: 'seal-nowhere' }, /not recorded here/],
      ['a seal the device does not hold', 'dev-official', { ...asked, sealId: 'seal-nowhere' }, /is bound with seal "seal-site-official", not free/],
      ['an electronic seal', 'dev-other', { ...asked, sealId: 'seal-site-e' }, /electronic/],
    ];
    for (const [what, deviceId, body, message] of refusals) {
      const response = await bind(deviceId, body);
      expect(response.statusCode, `${what}: ${response.body}`).toBe(409);
      expect(response.json<{ error: string; message: string }>(), what).toMatchObject({ error: 'binding_mismatch', message: expect.stringMatching(message) as unknown });
    }

    // No caller pins a binding's version (a later, legitimate binding must always win): a body
    // naming one is refused (bodies are strict), and the version is always the issue time.
    const pinned = await bind('dev-official', { ...asked, version: 9e15 });
    expect(pinned.statusCode, pinned.body).toBe(400);
    expect(pinned.json<{ error: string }>().error).toBe('invalid_body');
    const issued = await bind('dev-official', asked);
    expect(issued.statusCode, issued.body).toBe(200);
    expect(issued.json<{ record: { version: number } }>().record.version).toBeLessThan(Date.now() + 60_000);
  });

  it("refuses to turn a seal into another kind (which would carry its device's binding over to another route)", async () => {
    const tablet = await replicas.open(custodian, 'custodian-kind');
    await syncAll([tablet]);
    await tablet.store.whenProjected();
    // The app's editor applies the record rules the server does (judgeRecordEdit), so the edit is
    // refused before it is written; the server's refusal of a hand-made change is in recordRules.test.ts.
    const edit = tablet.store.records.update('seal', 'seal-site-official', (doc) => {
      doc.kind = 'contract';
    });
    await expect(edit).rejects.toMatchObject({ code: 'invalid_record', message: expect.stringContaining('to keep its kind "official"') as unknown });
    await syncAll([tablet]);
    expect(tablet.store.status.get().refusals).toEqual([]);
    const asked = { sealId: 'seal-site-official', sealKind: 'contract', minApprovals: 1, custodianId: custodian.userId, unitId: world.siteId };
    expect((await bind('dev-official', asked)).statusCode).toBe(409);
  });
});
