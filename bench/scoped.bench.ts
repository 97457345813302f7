/**
 * Scoped pulls (issue 16, ADR 010): a fresh replica of a site with 10,000 rows pulls them
 * through the server's real HTTP pull, in an organisation of 20,000 rows and of 1,000,000 rows.
 * The pull reads the scope index, so both should take about as long (goal: large/small ≤ 1.5).
 *
 * The organisations' stores are fixtures (`scopedFixture.ts`, cached in the gitignored
 * `bench/.data/`): the first run builds them (the million-row one takes minutes), later runs
 * reuse them. Each measured run sets up an organisation afresh around the stored rows (the site
 * unit added with its fixed id, a person invited there), then pulls as a fresh replica until
 * `more` is false, checking it received exactly the site's rows.
 *
 * Writes `scoped_pull_s_small_org`, `scoped_pull_s_large_org` (medians, seconds) into
 * `bench/results/sync.json`, keeping the fields other benches write there.
 */
import type { AddressInfo } from 'node:net';
import { REPLICA_USER_HEADER, type PullResponse } from '../shared/src';
import type { UnitDoc } from '../sync-server/src/couch/model';
import { inviteAndRegister, setUpOrganisation, startTestServer } from '../sync-server/src/testing/testServer';
import { FIXTURE_PREFIX, orgFixture, resetAroundRows, SITE_ROWS, SITE_UNIT, type OrgFixture } from './scopedFixture';
import { median, mergeResult } from './stats';

const SMALL = 20_000;
const LARGE = Number(process.env.SCOPED_BENCH_LARGE ?? 1_000_000);
const RUNS = Number(process.env.SCOPED_BENCH_RUNS ?? 3);
/** Rows per pull request, as the app asks. */
const BATCH = 1000;

/** One fresh replica's pull of the site, timed: seconds, requests, and the progress the server reported. */
async function pullSite(fixture: OrgFixture): Promise<{ s: number; requests: number; firstRemaining: number }> {
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
      const res = await fetch(`${url}/api/sync/pull?${query}`, { headers });
      if (!res.ok) throw new Error(`pull: ${res.status} ${await res.text()}`);
      const page = (await res.json()) as PullResponse;
      requests++;
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

async function measure(total: number): Promise<number> {
  const fixture = await orgFixture(total);
  try {
    await pullSite(fixture); // warm-up: JIT, connections, the store's caches
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const { s, requests, firstRemaining } = await pullSite(fixture);
      times.push(s);
      console.log(`  org of ${total} rows: ${SITE_ROWS} site rows in ${s.toFixed(2)} s, ${requests} requests (first answer: ${firstRemaining} rows owed)`);
    }
    return median(times);
  } finally {
    await fixture.close();
  }
}

export async function run(): Promise<void> {
  const small = await measure(SMALL);
  const large = await measure(LARGE);
  console.log(`scoped pull of ${SITE_ROWS} rows: ${small.toFixed(2)} s in an org of ${SMALL}, ${large.toFixed(2)} s in an org of ${LARGE} (${(large / small).toFixed(2)}×)`);
  mergeResult('sync', {
    scoped_pull_site_rows: SITE_ROWS,
    scoped_pull_small_org_rows: SMALL,
    scoped_pull_large_org_rows: LARGE,
    scoped_pull_s_small_org: Number(small.toFixed(3)),
    scoped_pull_s_large_org: Number(large.toFixed(3)),
    scoped_pull_large_vs_small: Number((large / small).toFixed(3)),
  });
}
