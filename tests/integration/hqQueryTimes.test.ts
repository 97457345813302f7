/**
 * Times in HQ's queries, at and past every edge: the epoch, the first China-time day (which began
 * 8 h before it), a period shorter than the 30-day default, the last time a query may name (the
 * start of 9999) and past it, up to 8.64e15 and 2^53. Each is answered (200) or refused (400),
 * never with a server error, and what is answered carries only times an answer may carry and
 * `YYYY-MM-DD` day labels.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUERY_MAX_MS } from '@seal/shared';
import { sealRecord } from './fixtures';
import { setUpWorld, startSyncServer, type RunningSync, type World } from './harness';
import { creation, push } from './hostileClient';

let running: RunningSync;
let world: World;

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  const custodian = await world.person(world.siteId, ['custodian'], 'Custodian 保管员');
  const pushed = await push(running, world.admin, [(await creation(world.admin, 'seal', sealRecord('seal-times-1', world.siteId, custodian.userId))).row]);
  expect(pushed[0]!.status).toBe('accepted');
}, 120_000);
afterAll(async () => running?.close());

const LAST = QUERY_MAX_MS;
const PAST = [LAST + 1, 300_000_000_000_000, 8_639_999_000_000_000, 8_640_000_000_000_000, 2 ** 53 - 1, 999_999_999_999_999];

async function get(url: string): Promise<{ status: number; body: string }> {
  const response = await running.server.call('GET', url, { cookie: world.admin.cookie });
  return { status: response.statusCode, body: response.body };
}

/** Every `YYYY-MM-DD`-like label in an answer is one. */
function dayLabelsOf(body: string): string[] {
  return [...body.matchAll(/"day":"([^"]*)"/g)].map((m) => m[1]!);
}

describe("HQ's query times", () => {
  it('past the last time a query may name: refused (400) on every route, never a server error', async () => {
    const root = world.admin.rootUnitId;
    for (const t of PAST) {
      const urls = [
        `/api/hq/events?from=${t}`, `/api/hq/events?to=${t}`, `/api/hq/events.csv?from=${t}`,
        `/api/hq/dashboard?to=${t}`, `/api/hq/dashboard?from=${t}&to=${t}`,
        `/api/hq/evidence/seals/seal-times-1?from=${t}`, `/api/hq/evidence/seals/seal-times-1?to=${t}`,
        `/api/hq/reconciliation/seals/seal-times-1?from=0&to=${t}`,
        `/api/hq/report.pdf?unit=${root}&from=${t - 86_400_000}&to=${t}`,
        `/api/archive?from=${t}`,
      ];
      for (const url of urls) {
        const answer = await get(url);
        expect({ url, status: answer.status }).toEqual({ url, status: 400 });
      }
    }
  });

  it('at the edges it allows: answered, with times an answer may carry and real day labels', async () => {
    const root = world.admin.rootUnitId;
    const urls = [
      '/api/hq/dashboard?from=0&to=1', '/api/hq/dashboard?to=1000', '/api/hq/dashboard?from=0&to=86400000',
      `/api/hq/dashboard?from=${LAST - 86_400_000}&to=${LAST}`, `/api/hq/dashboard?to=${LAST}`,
      `/api/hq/events?from=${LAST}`, `/api/hq/events?from=0&to=${LAST}`, '/api/hq/events?from=9998-12-31', `/api/hq/events.csv?to=${LAST}`,
      `/api/hq/evidence/seals/seal-times-1?from=0&to=${LAST}`, `/api/hq/reconciliation/seals/seal-times-1?from=0&to=${LAST}`,
      `/api/hq/reconciliation/seals/seal-times-1?from=${LAST}&to=${LAST}`,
      `/api/hq/report.pdf?unit=${root}&from=0&to=1`, `/api/hq/report.pdf?unit=${root}&from=${LAST - 86_400_000}&to=${LAST}`,
      `/api/archive?from=0&to=${LAST}`,
    ];
    for (const url of urls) {
      const answer = await get(url);
      expect({ url, status: answer.status }).toEqual({ url, status: 200 });
      for (const day of dayLabelsOf(answer.body)) expect(day, url).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    const early = JSON.parse((await get('/api/hq/dashboard?from=0&to=1')).body) as { from: number; to: number };
    expect(early.from).toBe(0);
    expect(early.to).toBe(Date.UTC(1970, 0, 1, 16));
    // The 30-day default before a `to` near the epoch starts at the epoch, its days with it.
    const near = JSON.parse((await get('/api/hq/dashboard?to=1000')).body) as { from: number; usesPerDay: { day: string }[] };
    expect(near.from).toBe(0);
    expect(near.usesPerDay.map((d) => d.day)).toEqual(['1970-01-01']);
  });

  it('counts no event before `from`, whatever the year', async () => {
    const answer = JSON.parse((await get(`/api/hq/events?from=${LAST}`)).body) as { events: unknown[]; counts: { total: number } };
    expect(answer.events).toEqual([]);
    expect(answer.counts.total).toBe(0);
  });
});
