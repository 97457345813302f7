/**
 * Scoped pulls (issue 16, ADR 010): a fresh replica of a site with 10,000 rows pulls them
 * through the server's real HTTP pull, in an organisation of 20,000 rows and of 1,000,000 rows.
 * The pull reads the scope index, so both should take about as long (goal: large/small ≤ 1.5).
 *
 * The organisations' stores are fixtures (`scopedFixture.ts`, cached in the gitignored
 * `bench/.data/`): the first run builds them (the million-row one takes a quarter of an hour on
 * the loaded 2-core bench machine, nearly all of it PouchDB building the scope index), later runs
 * reuse them. Each measured run sets up an organisation afresh around the stored rows (the site
 * unit added with its fixed id, a person invited there), then pulls as a fresh replica until
 * `more` is false, checking it received exactly the site's rows (`scopedPull.ts`).
 *
 * The machine is shared and its load moves by the minute, so the two organisations are measured
 * in alternation, each round a process per organisation (a warm-up pull, then a timed one).
 * Writes `scoped_pull_s_small_org`, `scoped_pull_s_large_org` (medians, seconds) and every run
 * into `bench/results/sync.json`, keeping the fields other benches write there.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { SITE_ROWS } from './scopedFixture';
import { RESULT_MARK, type PullRun } from './scopedPull';
import { median, mergeResult } from './stats';

const SMALL = 20_000;
const LARGE = Number(process.env.SCOPED_BENCH_LARGE ?? 1_000_000);
const RUNS = Number(process.env.SCOPED_BENCH_RUNS ?? 7);

const script = fileURLToPath(new URL('./scopedPull.ts', import.meta.url));
/** The repository root, where `--import tsx` resolves. */
const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs `scopedPull.ts` for an organisation of `total` rows in a process of its own; its timed runs. */
function measureInProcess(total: number, runs: number): Promise<PullRun[]> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, String(total), String(runs)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      // Progress lines (a fixture being built) pass through as they come.
      for (let nl = out.indexOf('\n'); nl >= 0; nl = out.indexOf('\n')) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        if (line.startsWith(RESULT_MARK)) {
          try {
            done(JSON.parse(line.slice(RESULT_MARK.length)) as PullRun[]);
          } catch (error) {
            fail(error instanceof Error ? error : new Error(String(error)));
          }
        } else {
          console.log(line);
        }
      }
    });
    child.on('error', fail);
    child.on('exit', (code) => {
      if (code !== 0) fail(new Error(`scopedPull.ts ${total} exited with ${code}`));
      fail(new Error(`scopedPull.ts ${total} printed no result`));
    });
  });
}

const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

export async function run(): Promise<void> {
  const times = { small: [] as number[], large: [] as number[] };
  for (let round = 1; round <= RUNS; round++) {
    for (const [name, total] of [['small', SMALL], ['large', LARGE]] as const) {
      const [timed] = await measureInProcess(total, 1);
      times[name].push(timed!.s);
      console.log(`  round ${round}, org of ${total} rows: ${SITE_ROWS} site rows in ${timed!.s.toFixed(2)} s, ${timed!.requests} requests (first answer: ${timed!.firstRemaining} rows owed; load ${load()})`);
    }
  }
  const small = median(times.small);
  const large = median(times.large);
  console.log(`scoped pull of ${SITE_ROWS} rows, medians of ${RUNS}: ${small.toFixed(2)} s in an org of ${SMALL}, ${large.toFixed(2)} s in an org of ${LARGE} (${(large / small).toFixed(2)}×)`);
  mergeResult('sync', {
    scoped_pull_site_rows: SITE_ROWS,
    scoped_pull_small_org_rows: SMALL,
    scoped_pull_large_org_rows: LARGE,
    scoped_pull_s_small_org: Number(small.toFixed(3)),
    scoped_pull_s_large_org: Number(large.toFixed(3)),
    scoped_pull_large_vs_small: Number((large / small).toFixed(3)),
    scoped_pull_s_small_org_runs: times.small.map((s) => s.toFixed(2)).join(' '),
    scoped_pull_s_large_org_runs: times.large.map((s) => s.toFixed(2)).join(' '),
  });
}
