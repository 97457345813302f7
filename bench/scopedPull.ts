/**
 * One process's share of the scoped-pull bench (`scoped.bench.ts` starts it): opens the stored
 * organisation of `argv[2]` rows (building it first when absent, see `scopedFixture.ts`), pulls
 * the site once as a warm-up (JIT, connections, the store's caches), then `argv[3]` timed times,
 * and prints the figures as one line `SCOPED_RESULT {json}` on stdout.
 *
 * Each measurement runs in its own process because the embedded store cannot be reopened in one:
 * closing it leaves its LevelDB handles and express-pouchdb's registry of databases live (PouchDB
 * shares that registry's events across every store in a process), so the bench alternates small
 * and large organisations across processes, under the same load, instead of within one.
 */
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPLICA_USER_HEADER, type PullResponse } from '../shared/src';
import type { UnitDoc } from '../sync-server/src/couch/model';
import { inviteAndRegister, setUpOrganisation, startTestServer } from '../sync-server/src/testing/testServer';
import { FIXTURE_PREFIX, orgFixture, resetAroundRows, SITE_ROWS, SITE_UNIT, type OrgFixture } from './scopedFixture';

/** Rows per pull request, as the app asks. */
const BATCH = 1000;
/** The line a measuring process prints its figures on. */
export const RESULT_MARK = 'SCOPED_RESULT ';

export interface PullRun {
  /** Seconds from the first request to the answer with `more: false`. */
  readonly s: number;
  readonly requests: number;
  /** The rows the first answer said were owed (its rows plus `remaining`). */
  readonly firstRemaining: number;
}

/** One fresh replica's pull of the site, timed, through the server's real HTTP pull. */
async function pullSite(fixture: OrgFixture): Promise<PullRun> {
  await resetAroundRows(fixture);
  const server = await startTestServer({ dataDir: fixture.dataDir, embedded: fixture.embedded, mac: fixture.mac, close: async () => {} }, { DB_PREFIX: FIXTURE_PREFIX });
  try {
    const admin = await setUpOrganisation(server);
    const now = Date.now();
    const site: UnitDoc = { type: 'unit', id: SITE_UNIT, name: 'Bench site', kind: 'site', parentId: admin.rootUnitId, createdAt: now, updatedAt: now };
    await server.repos.units.create(site);
    const person = await inviteAndRegister(server, admin.cookie, SITE_UNIT, ['staff'], 'Site tablet');
    await server.app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
    const headers = { cookie: person.cookie, 'sec-fetch-site': 'same-origin', [REPLICA_USER_HEADER]: person.userId };

    const seen = new Set<string>();
    let since: string | undefined;
    let requests = 0;
    let firstRemaining = -1;
    const started = performance.now();
    for (;;) {
      const query = new URLSearchParams({ limit: String(BATCH), replica: 'bench-tablet', ...(since ? { since } : {}) });
      const asked = performance.now();
      const res = await fetch(`${url}/api/sync/pull?${query}`, { headers });
      if (!res.ok) throw new Error(`pull: ${res.status} ${await res.text()}`);
      const page = (await res.json()) as PullResponse;
      requests++;
      if (process.env.SCOPED_BENCH_TRACE) console.error(`    request ${requests}: ${page.rows.length} rows in ${Math.round(performance.now() - asked)} ms`);
      for (const row of page.rows) {
        if (row.scopeUnitId !== SITE_UNIT) throw new Error(`the site's replica received a row of ${row.scopeUnitId}`);
        seen.add(row.id);
      }
      if (firstRemaining < 0) firstRemaining = page.remaining + page.rows.length;
      since = page.checkpoint;
      if (!page.more) break;
    }
    const s = (performance.now() - started) / 1000;
    if (seen.size !== SITE_ROWS) throw new Error(`the fresh replica received ${seen.size} rows of the site, expected ${SITE_ROWS}`);
    return { s, requests, firstRemaining };
  } finally {
    await server.close();
  }
}

async function main(): Promise<void> {
  const total = Number(process.argv[2]);
  const runs = Number(process.argv[3] ?? 1);
  if (!Number.isInteger(total) || total < 1 || !Number.isInteger(runs) || runs < 1) throw new Error('usage: scopedPull.ts <organisation rows> [timed runs]');
  const fixture = await orgFixture(total);
  try {
    await pullSite(fixture);
    const timed: PullRun[] = [];
    for (let run = 0; run < runs; run++) timed.push(await pullSite(fixture));
    console.log(`${RESULT_MARK}${JSON.stringify(timed)}`);
  } finally {
    await fixture.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(() => process.exit(0), (error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
