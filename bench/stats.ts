import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
 * Merges `fields` into `bench/results/<name>.json` (read, modify, write): figures another bench
 * (or another part of one) wrote there stay.
 */
export function mergeResult(name: string, fields: Record<string, number | string>): void {
  const file = fileURLToPath(new URL(`./results/${name}.json`, import.meta.url));
  const held = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, number | string>) : {};
  writeResult(name, { ...held, ...fields });
}
