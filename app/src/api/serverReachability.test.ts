import { describe, expect, it } from 'vitest';
import { ServerReachability, type ReachabilityEnvironment } from './serverReachability';

/** A page with a hand-driven clock: timers run only when `advance` passes their time. */
function fakePage(options: { networkUp?: boolean; serverAnswers?: boolean } = {}) {
  let now = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; run: () => void }>();
  const page = { networkUp: options.networkUp ?? true, serverAnswers: options.serverAnswers ?? false, probes: [] as number[] };
  const env: ReachabilityEnvironment = {
    networkUp: () => page.networkUp,
    probe: () => {
      page.probes.push(now);
      return Promise.resolve(page.serverAnswers);
    },
    setTimeout: (run, ms) => {
      const id = nextId++;
      timers.set(id, { at: now + ms, run });
      return id;
    },
    clearTimeout: (id) => void timers.delete(id as number),
  };
  /** Moves the clock on by `ms`, running every timer due on the way (and the probes they start). */
  const advance = async (ms: number): Promise<void> => {
    const end = now + ms;
    for (;;) {
      const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      timers.delete(due[0]);
      now = due[1].at;
      due[1].run();
      await Promise.resolve();
      await Promise.resolve();
    }
    now = end;
  };
  return { page, env, advance, pendingTimers: () => timers.size };
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('ServerReachability', () => {
  it('while the server does not answer, sends a handful of probes a minute, each wait longer', async () => {
    const { page, env, advance } = fakePage();
    const reachability = new ServerReachability(env, { initialDelayMs: 2_000, maxDelayMs: 60_000 });
    reachability.noAnswer();
    // Every background request that fails meanwhile (RxDB retries every 5 s) adds no probe.
    for (let second = 0; second < 600; second += 5) {
      await advance(5_000);
      reachability.noAnswer();
    }
    expect(reachability.state).toBe('unreachable');
    const firstMinute = page.probes.filter((at) => at < 60_000);
    expect(firstMinute.length).toBeGreaterThanOrEqual(2);
    expect(firstMinute.length).toBeLessThanOrEqual(6);
    const waits = page.probes.slice(1).map((at, i) => at - page.probes[i]!);
    expect(waits.every((wait, i) => i === 0 || wait >= waits[i - 1]!)).toBe(true);
    // Ten minutes cut off: no more than one probe a minute once the waits reached their cap.
    expect(page.probes.filter((at) => at >= 300_000).length).toBeLessThanOrEqual(5);
    expect(reachability.mayRequest()).toBe(false);
  });

  it('probes at once when the network returns, and lets requests through once the server answers', async () => {
    const { page, env, advance } = fakePage();
    const reachability = new ServerReachability(env, { initialDelayMs: 2_000, maxDelayMs: 60_000 });
    const seen: string[] = [];
    reachability.subscribe((state) => seen.push(state));
    reachability.noAnswer();
    await advance(120_000);
    const before = page.probes.length;
    page.serverAnswers = true;
    reachability.probeNow();
    await settle();
    expect(page.probes.length).toBe(before + 1);
    expect(reachability.state).toBe('reachable');
    expect(reachability.mayRequest()).toBe(true);
    expect(seen).toEqual(['unknown', 'unreachable', 'reachable']);
  });

  it('sends no probe while the browser has no network, and says unreachable', async () => {
    const { page, env, advance, pendingTimers } = fakePage({ networkUp: true, serverAnswers: true });
    const reachability = new ServerReachability(env);
    reachability.answered();
    page.networkUp = false;
    reachability.networkLost();
    reachability.noAnswer();
    await advance(600_000);
    expect(page.probes).toEqual([]);
    expect(pendingTimers()).toBe(0);
    expect(reachability.state).toBe('unreachable');
    expect(reachability.mayRequest()).toBe(false);
  });

  it('an answer to any request ends the probing', async () => {
    const { page, env, advance } = fakePage();
    const reachability = new ServerReachability(env, { initialDelayMs: 2_000, maxDelayMs: 60_000 });
    reachability.noAnswer();
    reachability.answered();
    await advance(600_000);
    expect(page.probes).toEqual([]);
    expect(reachability.state).toBe('reachable');
  });
});
