import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** The largest spot-check sample. */
export const MAX_SPOT_CHECK_SIZE = 500;

/**
 * Draws a reproducible random sample of `size` stamp ids: the candidates are put in one order
 * (sorted), then a partial Fisher–Yates shuffle driven by xoroshiro128+ seeded with `seed` picks
 * them. The same candidates and seed always give the same sample, in the same order, whichever
 * order the candidates were found in — so anyone holding the seed can re-draw it.
 */
export function drawSpotCheckSample(candidates: readonly string[], size: number, seed: number): string[] {
  const pool = [...new Set(candidates)].sort();
  const rng = xoroshiro128plus(seed);
  const n = Math.min(size, pool.length);
  for (let i = 0; i < n; i++) {
    const j = uniformInt(rng, i, pool.length - 1);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, n);
}
