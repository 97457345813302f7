import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/ApiError';
import type { StampFinding } from './finding';
import { lookUpInput, lookUpPdfHash, type StampLookups } from './lookup';

const input = { kind: 'impression', code: 'ABXJKP5NSHC' } as const;
const record = (from: 'server' | 'device') => ({ record: { kind: 'physical' }, source: { from, at: 1 } }) as unknown as StampFinding;
const offline = new ApiError({ status: 0, code: 'offline', message: 'No network', cause: undefined });
const failing = (error: Error) => () => Promise.reject(error);

function lookups(online: () => Promise<StampFinding | null>, local?: () => Promise<StampFinding | undefined>): StampLookups {
  return {
    online: { byInput: online, byPdfHash: online },
    local: local === undefined ? undefined : { byInput: local, byPdfHash: local },
  };
}

describe('looking a stamp up', () => {
  it("takes the server's word when it answers, found or not, without asking the device's copy", async () => {
    const deviceAsked: string[] = [];
    const local = () => {
      deviceAsked.push('asked');
      return Promise.resolve(record('device'));
    };
    expect(await lookUpInput(input, lookups(() => Promise.resolve(record('server')), local))).toEqual({ type: 'found', finding: record('server') });
    // A changed file, or a code never issued: the server holds no record, and the device's copy cannot overrule it.
    expect(await lookUpPdfHash('00'.repeat(32), lookups(() => Promise.resolve(null), local))).toEqual({ type: 'not_found' });
    expect(deviceAsked).toEqual([]);
  });

  it("answers from the device's copy when the server cannot be reached, and says when neither can", async () => {
    expect(await lookUpInput(input, lookups(failing(offline), () => Promise.resolve(record('device'))))).toEqual({ type: 'found', finding: record('device') });
    expect(await lookUpInput(input, lookups(failing(offline), () => Promise.resolve(undefined)))).toEqual({ type: 'not_held' });
    expect(await lookUpInput(input, lookups(failing(offline)))).toEqual({ type: 'no_source' });
    const down = new ApiError({ status: 503, code: 'internal_error', message: 'down', cause: undefined });
    expect(await lookUpInput(input, lookups(failing(down), () => Promise.resolve(record('device'))))).toMatchObject({ type: 'found' });
  });

  it('passes on a refusal that is not about reaching the server (the page shows it)', async () => {
    const refused = new ApiError({ status: 400, code: 'invalid_body', message: 'bad', cause: undefined });
    await expect(lookUpInput(input, lookups(failing(refused), () => Promise.resolve(record('device'))))).rejects.toBe(refused);
  });
});
