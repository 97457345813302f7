import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Median of a list of numbers (the figure we quote: robust to a noisy neighbour on 2 cores). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Times `fn` `runs` times after `warmup` runs; returns each run's milliseconds. */
export async function timeRuns(fn: () => unknown, runs: number, warmup = 3): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times;
}

/** Writes `bench/results/<name>.json` (the contract outside checks read) and prints it. */
export function writeResult(name: string, result: Record<string, number | string>): void {
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}${name}.json`, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result));
}

/**
 * Sets `fields` in `bench/results/<name>.json`, keeping every other field there: several benches
 * write one file (`sync.json`: the sync bench's figures and the scoped-pull and catch-up ones).
 */
export function mergeResult(name: string, fields: Record<string, number | string>): void {
  const path = `${fileURLToPath(new URL('./results/', import.meta.url))}${name}.json`;
  let before: Record<string, unknown> = {};
  try {
    before = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    // No file yet (or not JSON): start afresh.
  }
  writeResult(name, { ...(before as Record<string, number | string>), ...fields });
}
