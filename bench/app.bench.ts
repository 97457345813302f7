/**
 * The initial JS of the built app: the app is built afresh (`vite build` into dist/app), then
 * the entry chunk and every chunk it imports statically are gzip-compressed and summed
 * (`measureInitialJs`, the function tests/unit/initialJs.test.ts holds to the budget).
 *
 * - initial_js_gzip_kb: KB (1024 bytes) of gzip the first page needs before it runs; budget
 *   {@link INITIAL_JS_BUDGET_KB} KB.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INITIAL_JS_BUDGET_KB, measureInitialJs } from './initialJs';
import { writeResult } from './stats';

const root = fileURLToPath(new URL('..', import.meta.url));

export function run(): Promise<void> {
  // Built here, not taken from an earlier build: the figure must be the one of the code as it is.
  const built = spawnSync(join(root, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) throw new Error(`vite build failed (exit ${String(built.status ?? built.signal)})`);
  const initial = measureInitialJs(join(root, 'dist/app'));
  for (const f of initial.files) console.log(`  ${(f.gzipBytes / 1024).toFixed(1).padStart(6)} KB  ${f.file}`);
  console.log(`initial JS, gzip: ${initial.gzipKb} KB in ${initial.files.length} files (budget ${INITIAL_JS_BUDGET_KB} KB)`);
  writeResult('app', { initial_js_gzip_kb: initial.gzipKb });
  return Promise.resolve();
}
