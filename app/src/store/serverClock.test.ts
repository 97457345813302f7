import { describe, expect, it } from 'vitest';
import { MAX_MILLIS } from '@seal/shared';
import {
  clampOffset, correctionFrom, MAX_CLOCK_CORRECTION_MS, MAX_SAMPLE_ROUND_TRIP_MS, parseCorrection, ServerClock,
  type ClockCorrection,
} from './serverClock';
import { SyncClient } from './syncClient';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const T = 1_790_000_000_000;

describe('what one answer of the server teaches (correctionFrom)', () => {
  it('takes the middle of the round trip: a device 3 h fast is corrected by -3 h, off by at most half the round trip', () => {
    // Sent at device 13:00:00.000, answered at 13:00:00.400; the server read 10:00:00.250.
    const learned = correctionFrom({ sentAt: T + 3 * HOUR, receivedAt: T + 3 * HOUR + 400, serverTime: T + 250 }, null);
    expect(learned).toEqual({ offsetMs: -3 * HOUR + 50, clamped: false, checkedAt: T + 250 });
  });

  it('keeps the correction held while the answer allows it, so that it does not wobble with latency', () => {
    const held: ClockCorrection = { offsetMs: -3 * HOUR + 50, clamped: false, checkedAt: T };
    expect(correctionFrom({ sentAt: T + 3 * HOUR + 10_000, receivedAt: T + 3 * HOUR + 10_300, serverTime: T + 10_100 }, held)).toEqual({ ...held, checkedAt: T + 10_100 });
    // A correct clock is never "corrected" by an answer's latency.
    const none: ClockCorrection = { offsetMs: 0, clamped: false, checkedAt: T };
    expect(correctionFrom({ sentAt: T, receivedAt: T + 800, serverTime: T + 100 }, none)?.offsetMs).toBe(0);
  });

  it('replaces a held correction the answer rules out (the device clock was set meanwhile)', () => {
    const held: ClockCorrection = { offsetMs: -3 * HOUR, clamped: false, checkedAt: T };
    expect(correctionFrom({ sentAt: T + 1_000, receivedAt: T + 1_200, serverTime: T + 1_100 }, held)).toEqual({ offsetMs: 0, clamped: false, checkedAt: T + 1_100 });
  });

  it('learns nothing from an answer that took too long, came before it was asked for, or names no time', () => {
    expect(correctionFrom({ sentAt: T, receivedAt: T + MAX_SAMPLE_ROUND_TRIP_MS + 1, serverTime: T - HOUR }, null)).toBeNull();
    expect(correctionFrom({ sentAt: T, receivedAt: T - 1, serverTime: T - HOUR }, null)).toBeNull();
    for (const serverTime of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) expect(correctionFrom({ sentAt: T, receivedAt: T + 10, serverTime }, null)).toBeNull();
    expect(correctionFrom({ sentAt: Number.NaN, receivedAt: T, serverTime: T }, null)).toBeNull();
  });

  it('never moves the dates made here by more than a day, whatever a server says (clamped and marked so)', () => {
    for (const serverTime of [MAX_MILLIS, 0, T + 2 * DAY, T - 400 * DAY]) {
      const learned = correctionFrom({ sentAt: T, receivedAt: T + 100, serverTime }, null)!;
      expect(Math.abs(learned.offsetMs)).toBe(MAX_CLOCK_CORRECTION_MS);
      expect(learned.clamped).toBe(true);
    }
    expect(clampOffset(-DAY)).toEqual({ offsetMs: -DAY, clamped: false });
    expect(clampOffset(DAY + 1)).toEqual({ offsetMs: DAY, clamped: true });
    expect(clampOffset(-0.4)).toEqual({ offsetMs: 0, clamped: false });
  });
});

describe('the correction as kept (parseCorrection)', () => {
  it('reads back what it wrote', () => {
    const kept: ClockCorrection = { offsetMs: -3 * HOUR, clamped: false, checkedAt: T };
    expect(parseCorrection(JSON.parse(JSON.stringify(kept)))).toEqual(kept);
  });

  it('takes nothing that is not a correction, and nothing beyond the clamp (a damaged or tampered book)', () => {
    for (const value of [undefined, null, 42, 'soon', [], {}, { offsetMs: '3600000', checkedAt: T }, { offsetMs: Number.NaN, checkedAt: T }, { offsetMs: 5, checkedAt: null }, { offsetMs: Number.POSITIVE_INFINITY, checkedAt: T }]) {
      expect(parseCorrection(value), JSON.stringify(value)).toBeNull();
    }
    expect(parseCorrection({ offsetMs: 1e15, clamped: false, checkedAt: T })).toEqual({ offsetMs: MAX_CLOCK_CORRECTION_MS, clamped: true, checkedAt: T });
    expect(parseCorrection({ offsetMs: -1e15, checkedAt: T })).toEqual({ offsetMs: -MAX_CLOCK_CORRECTION_MS, clamped: true, checkedAt: T });
  });
});

describe('ServerClock', () => {
  /** A device clock 3 h fast, and a book that keeps what it is given. */
  function fastDevice(held: ClockCorrection | null = null) {
    let device = T + 3 * HOUR;
    const kept: ClockCorrection[] = [];
    const clock = new ServerClock(() => device, held, (correction) => {
      kept.push(correction);
      return Promise.resolve();
    });
    return { clock, kept, advance: (ms: number) => { device += ms; }, device: () => device };
  }

  it('dates by the device clock until an answer taught it, then by the corrected one; keeps the correction for the next opening', () => {
    const { clock, kept, advance } = fastDevice();
    expect(clock.now()).toBe(T + 3 * HOUR);
    expect(clock.observe({ sentAt: T + 3 * HOUR, receivedAt: T + 3 * HOUR + 200, serverTime: T + 100 })).toBe(true);
    expect(clock.now()).toBe(T);
    advance(60_000);
    expect(clock.now()).toBe(T + 60_000);
    expect(kept).toEqual([{ offsetMs: -3 * HOUR, clamped: false, checkedAt: T + 100 }]);
    // Reopened (a reload, days offline): the same correction from the book, before any answer.
    const reopened = new ServerClock(() => T + 3 * HOUR + 5 * DAY, parseCorrection(JSON.parse(JSON.stringify(kept.at(-1)))));
    expect(reopened.now()).toBe(T + 5 * DAY);
  });

  it('keeps nothing again while answers confirm it, and tells its listeners only of changes', () => {
    const { clock, kept } = fastDevice();
    const heard: (ClockCorrection | null)[] = [];
    clock.subscribe((c) => heard.push(c));
    clock.observe({ sentAt: T + 3 * HOUR, receivedAt: T + 3 * HOUR + 200, serverTime: T + 100 });
    expect(clock.observe({ sentAt: T + 3 * HOUR + 1_000, receivedAt: T + 3 * HOUR + 1_300, serverTime: T + 1_150 })).toBe(false);
    expect(kept).toHaveLength(1);
    expect(heard).toEqual([null, { offsetMs: -3 * HOUR, clamped: false, checkedAt: T + 100 }]);
  });

  it('takes no answer older than one it took (a stale answer delivered again)', () => {
    const { clock } = fastDevice();
    clock.observe({ sentAt: T + 3 * HOUR, receivedAt: T + 3 * HOUR + 200, serverTime: T + 100 });
    expect(clock.observe({ sentAt: T + 3 * HOUR + 5_000, receivedAt: T + 3 * HOUR + 5_100, serverTime: T - HOUR })).toBe(false);
    expect(clock.correction?.offsetMs).toBe(-3 * HOUR);
  });

  it('a hostile server moves its dates by a day at most', () => {
    const { clock } = fastDevice();
    clock.observe({ sentAt: T + 3 * HOUR, receivedAt: T + 3 * HOUR + 10, serverTime: MAX_MILLIS });
    expect(clock.now()).toBe(T + 3 * HOUR + DAY);
    expect(clock.correction?.clamped).toBe(true);
  });
});

describe('SyncClient teaches the clock', () => {
  const answer = (body: unknown, shape: { redirected?: boolean; type?: ResponseType } = {}): Response => {
    const response = new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    if (shape.redirected !== undefined) Object.defineProperty(response, 'redirected', { value: shape.redirected });
    if (shape.type !== undefined) Object.defineProperty(response, 'type', { value: shape.type });
    return response;
  };
  const pullAnswer = (serverTime: unknown) => ({ rows: [], checkpoint: 'c', left: [], remaining: 0, more: false, serverTime });

  function clientAnswering(response: () => Response) {
    const { clock, device } = (() => {
      const device = T + 3 * HOUR;
      return { clock: new ServerClock(() => device, null), device };
    })();
    const client = new SyncClient({ baseUrl: 'http://seal.test', fetch: () => Promise.resolve(response()) }, undefined, undefined, clock);
    return { clock, client, device };
  }

  it('from the server time in a pull or push answer of its own origin', async () => {
    const pulling = clientAnswering(() => answer(pullAnswer(T)));
    await pulling.client.pull(undefined, 10);
    expect(pulling.clock.correction?.offsetMs).toBe(-3 * HOUR);
    const pushing = clientAnswering(() => answer({ results: [], serverTime: T }));
    await pushing.client.push([]);
    expect(pushing.clock.correction?.offsetMs).toBe(-3 * HOUR);
  });

  it('not from a redirected answer, nor one of another origin', async () => {
    for (const shape of [{ redirected: true }, { type: 'cors' as const }, { type: 'opaque' as const }]) {
      const { clock, client } = clientAnswering(() => answer(pullAnswer(T), shape));
      await client.pull(undefined, 10);
      expect(clock.correction, JSON.stringify(shape)).toBeNull();
    }
  });

  it('refuses an answer whose server time is no time at all (the answer is not taken)', async () => {
    for (const serverTime of ['soon', -1, 1.5, MAX_MILLIS + 1]) {
      const { clock, client } = clientAnswering(() => answer(pullAnswer(serverTime)));
      await expect(client.pull(undefined, 10)).rejects.toMatchObject({ code: 'bad_response' });
      expect(clock.correction).toBeNull();
    }
  });

  it('an answer without one (an older server) leaves the clock as it is', async () => {
    const { clock, client } = clientAnswering(() => answer({ results: [] }));
    await client.push([]);
    expect(clock.correction).toBeNull();
  });
});
