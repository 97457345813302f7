import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateHistory, PLANT_NAMES } from '../../testing';
import { detectAnomalies } from './detectAnomalies';

const CHOICES = [...PLANT_NAMES, 'device_silent' as const];

describe('detectAnomalies (properties)', () => {
  it('planting k anomalies yields exactly those k cases', async () => {
    await fc.assert(
      fc.asyncProperty(fc.subarray(CHOICES, { minLength: 0, maxLength: 6 }), fc.integer({ min: 1, max: 1_000_000 }), async (plants, seed) => {
        const { history, rules, now, planted } = await generateHistory({ seed, branches: 2, sitesPerBranch: 1, devicesPerSite: 4, weeks: 2, plants });
        const found = await detectAnomalies(history, rules, now);
        expect(planted).toHaveLength(plants.length);
        expect(found.map((a) => a.caseKey)).toEqual(planted.map((p) => p.caseKey).sort());
      }),
      { numRuns: 8 },
    );
  }, 120_000);

  it('is order-independent: any shuffle of devices, entries and facts gives the same anomalies', async () => {
    const { history, rules, now } = await generateHistory({ seed: 7, branches: 2, sitesPerBranch: 1, devicesPerSite: 4, weeks: 2, plants: ['log_fork', 'refusal_burst', 'over_use', 'log_gap', 'off_hours'] });
    const expected = await detectAnomalies(history, rules, now);
    await fc.assert(
      fc.asyncProperty(fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })), async (stream) => {
        const it = stream[Symbol.iterator]();
        const shuffle = <T>(items: readonly T[]): T[] => items.map((item) => ({ item, k: it.next().value as number })).sort((a, b) => a.k - b.k).map((x) => x.item);
        const shuffled = {
          ...history,
          devices: shuffle(history.devices).map((d) => ({ ...d, entries: shuffle(d.entries) })),
          requests: shuffle(history.requests),
          grants: shuffle(history.grants),
          photos: shuffle(history.photos),
        };
        expect(await detectAnomalies(shuffled, rules, now)).toEqual(expected);
      }),
      { numRuns: 10 },
    );
  }, 120_000);
});
