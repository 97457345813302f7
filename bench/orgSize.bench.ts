/**
 * What a request costs as the organisation grows: an empty pull (nothing new for the replica;
 * what a live hint or a visit to a screen asks) in an organisation of 5 units and in one of 500,
 * on one embedded store, rounds alternating, medians. Every request judges scope against the unit
 * tree; the tree is kept under the units database's sequence (ADR 003, 2026-12-05), so the large
 * organisation should cost about what the small one does.
 */
import type { AddressInfo } from 'node:net';
import { createUnit, inviteAndRegister, setUpOrganisation, startTestServer, startTestStore, type TestServer, type TestStore } from '../sync-server/src/testing/testServer';
import { median, writeResult } from './stats';

const SMALL = 5;
const LARGE = Number(process.env.ORG_SIZE_UNITS ?? 500);
const PULLS = 200;
const ROUNDS = 3;

async function organisation(store: TestStore, units: number): Promise<{ server: TestServer; pull: () => Promise<number> }> {
  const server = await startTestServer(store);
  const admin = await setUpOrganisation(server);
  const siteId = await createUnit(server, admin.cookie, admin.rootUnitId, 'Bench site', 'site');
  const person = await inviteAndRegister(server, admin.cookie, siteId, ['staff'], 'Bench');
  // The other units written as the server writes them (MAC-marked): creating 500 through the API
  // would issue 500 rosters.
  const db = server.store.couch.use(server.store.dbName('units'));
  const at = Date.now();
  const docs = Array.from({ length: units - 2 }, (_, i) => ({ _id: `unit_org${i}`, type: 'unit', id: `unit_org${i}`, name: `Site ${i}`, kind: 'site', parentId: admin.rootUnitId, createdAt: at, updatedAt: at }));
  for (const doc of docs) await db.insert(doc);
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
  const headers = { cookie: person.cookie, 'x-sealctl-replica-user': person.userId };
  let since: string | undefined;
  return {
    server,
    /** Median milliseconds of `PULLS` empty pulls after the first (the back-fill). */
    async pull() {
      const times: number[] = [];
      for (let i = 0; i <= PULLS; i++) {
        const started = performance.now();
        const response = await fetch(`${url}/api/sync/pull?${new URLSearchParams(since ? { since } : {}).toString()}`, { headers });
        const body = (await response.json()) as { checkpoint: string };
        if (!response.ok) throw new Error(`pull: ${response.status} ${JSON.stringify(body)}`);
        since = body.checkpoint;
        if (i > 0) times.push(performance.now() - started);
      }
      return median(times);
    },
  };
}

export async function run(): Promise<void> {
  const store = await startTestStore();
  try {
    const small = await organisation(store, SMALL);
    const large = await organisation(store, LARGE);
    const times = { small: [] as number[], large: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      times.small.push(await small.pull());
      times.large.push(await large.pull());
      console.log(`round ${round + 1}: empty pull ${times.small.at(-1)!.toFixed(2)} ms with ${SMALL} units, ${times.large.at(-1)!.toFixed(2)} ms with ${LARGE}`);
    }
    await small.server.close();
    await large.server.close();
    const [a, b] = [median(times.small), median(times.large)];
    writeResult('org_size', {
      small_org_units: SMALL,
      large_org_units: LARGE,
      empty_pull_ms_small_org: Number(a.toFixed(2)),
      empty_pull_ms_large_org: Number(b.toFixed(2)),
      large_vs_small: Number((b / a).toFixed(3)),
    });
  } finally {
    await store.close();
  }
}
