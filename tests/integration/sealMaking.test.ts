/**
 * Making a seal on a tablet (`makeSeal`, what the new-seal form does), when the app is closed
 * right after its first write: the seal is never left without its creation move — a seal whose
 * status nobody can tell, and nobody can move — and what was made reaches the office active.
 */
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subjectOf, type NewSeal, type OrgUnit, type User } from '@seal/shared';
import { makeSeal } from '../../app/src/routes/seals/sealActions';
import { closedAfterWrites } from './appClosed';
import { sealRecord } from './fixtures';
import { replicaPool, setUpWorld, startSyncServer, syncAll, type Replica, type RunningSync, type World } from './harness';

let running: RunningSync;
let world: World;
let units: OrgUnit[];
const replicas = replicaPool(() => running.url);

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  const listed = await running.server.call('GET', '/api/units', { cookie: world.admin.cookie });
  units = listed.json<{ units: OrgUnit[] }>().units;
}, 60_000);
afterAll(async () => running?.close());

/** The administrator as the policy sees them (an admin grant on the root unit). */
const admin = (): User => ({ id: world.admin.userId, name: 'Administrator', unitId: world.admin.rootUnitId, grants: [{ role: 'admin', unitId: world.admin.rootUnitId }], active: true }) as User;

/** Every seal `replica` holds, with how many lifecycle moves it holds of each. */
async function heldSeals(replica: Replica): Promise<{ id: string; moves: number }[]> {
  await replica.store.whenProjected();
  const seals = await firstValueFrom(replica.store.query.records$('seal'));
  return Promise.all(seals.map(async ({ record }) => ({ id: record.id, moves: (await replica.store.query.facts('seal_status_change', { subject: subjectOf('seal', record.id) })).length })));
}

describe('making a seal', () => {
  it('closed after its first write, leaves no seal without its creation move; the seal made reaches the office active', async () => {
    const databaseName = `seal-making-${process.pid}`;
    let tablet = await replicas.open(world.admin, 'admin-tablet', { databaseName });
    const input = sealRecord('seal-making-1', world.siteId, world.admin.userId, '合同专用章') as unknown as NewSeal;
    await makeSeal(closedAfterWrites(tablet.store), input, admin(), 'new contract seal for the site', units, []).catch(() => undefined);
    await replicas.close(tablet);
    tablet = await replicas.open(world.admin, 'admin-tablet-again', { databaseName });
    // Whatever the first write was, it held the seal with its move, or nothing of it.
    for (const seal of await heldSeals(tablet)) expect(seal).toEqual({ id: seal.id, moves: 1 });

    const office = await replicas.open(world.admin, 'office');
    await syncAll([tablet, office]);
    expect(await heldSeals(office)).toEqual([{ id: 'seal-making-1', moves: 1 }]);
    expect(tablet.store.status.get().refusals).toEqual([]);
    expect(await tablet.store.book.outboxIds()).toEqual([]);
  }, 90_000);
});
