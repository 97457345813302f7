/**
 * `npm run bench`: runs every `bench/*.bench.ts` in turn (or those named on the command line),
 * each printing its figures and writing `bench/results/<name>.json`.
 */
import { readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.includes(basename(f, '.bench.ts')))
  .sort();

if (files.length === 0) {
  console.error(`No benchmark matches ${wanted.join(', ') || '(any)'} in bench/`);
  process.exit(1);
}
for (const file of files) {
  console.log(`\n== ${basename(file, '.bench.ts')} ==`);
  const mod = (await import(pathToFileURL(`${dir}/${file}`).href)) as { run: () => Promise<void> };
  await mod.run();
}
// Every figure is printed and written: leftovers of a bench (a store's handles, a replica's timers)
// must not keep the run alive.
process.exit(0);
