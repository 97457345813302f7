/**
 * Signing out waits for the session's requests in flight and holds back background work, so that
 * no request of the ended session is answered "signed out" (a refusal the browser logs, and which
 * the app would read as a session that ended by itself).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as Reachability from './reachability';

/** A fresh module per test: its requests in flight are the page's, kept across calls. */
let api: typeof Reachability;
beforeEach(async () => {
  vi.resetModules();
  api = await import('./reachability');
});

/** A fetch whose answers the test releases by hand. */
function heldFetch() {
  const held: { url: string; answer: (status: number) => void }[] = [];
  const fetch = vi.fn((input: string) => new Promise<Response>((resolve) => {
    held.push({ url: input, answer: (status) => resolve(new Response(null, { status })) });
  }));
  return { held, fetch };
}

afterEach(() => vi.unstubAllGlobals());

describe('quiesceRequests (before a sign-out)', () => {
  it('waits for the requests in flight, and sends no background request until done', async () => {
    const { held, fetch } = heldFetch();
    vi.stubGlobal('fetch', fetch);
    const push = api.backgroundFetch('/api/sync/push');
    const read = api.noteOutcome(globalThis.fetch('/api/requests'));
    let quiesced = false;
    const quiescing = api.quiesceRequests(10_000).then((q) => { quiesced = true; return q; });
    // While signing out, a background request fails at once, without touching the network.
    await expect(api.backgroundFetch('/api/sync/pull')).rejects.toThrow(/signing out/);
    expect(fetch).toHaveBeenCalledTimes(2);
    held[0]!.answer(200);
    await Promise.resolve();
    expect(quiesced).toBe(false);
    held[1]!.answer(200);
    const q = await quiescing;
    expect((await push).status).toBe(200);
    expect((await read).status).toBe(200);
    q.done();
    const after = api.backgroundFetch('/api/sync/pull');
    expect(fetch).toHaveBeenCalledTimes(3);
    held[2]!.answer(200);
    expect((await after).status).toBe(200);
  });

  it('waits also for a request sent while it waits, and says a sign-out is under way until done', async () => {
    const { held, fetch } = heldFetch();
    vi.stubGlobal('fetch', fetch);
    const first = api.noteOutcome(globalThis.fetch('/api/requests'));
    expect(api.signingOut()).toBe(false);
    let quiesced = false;
    const quiescing = api.quiesceRequests(10_000).then((q) => { quiesced = true; return q; });
    expect(api.signingOut()).toBe(true);
    // A screen's own request, sent after the sign-out began (the guard is the screen's to heed).
    const late = api.noteOutcome(globalThis.fetch('/api/units'));
    held[0]!.answer(200);
    await first;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(quiesced).toBe(false);
    held[1]!.answer(200);
    await late;
    const q = await quiescing;
    expect(api.signingOut()).toBe(true);
    q.done();
    expect(api.signingOut()).toBe(false);
  });

  it('does not wait for ever for a request that never answers', async () => {
    vi.useFakeTimers();
    try {
      const { fetch } = heldFetch();
      vi.stubGlobal('fetch', fetch);
      void api.backgroundFetch('/api/sync/push');
      let quiesced = false;
      const quiescing = api.quiesceRequests(3000).then((q) => { quiesced = true; return q; });
      await vi.advanceTimersByTimeAsync(2999);
      expect(quiesced).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      (await quiescing).done();
      expect(quiesced).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('lets background work send again only once every sign-out under way is done, and a second done() changes nothing', async () => {
    const { held, fetch } = heldFetch();
    vi.stubGlobal('fetch', fetch);
    const first = await api.quiesceRequests(10);
    const second = await api.quiesceRequests(10);
    first.done();
    first.done();
    await expect(api.backgroundFetch('/api/sync/pull')).rejects.toThrow(/signing out/);
    second.done();
    const after = api.backgroundFetch('/api/sync/pull');
    held[0]!.answer(200);
    expect((await after).status).toBe(200);
  });

  it('gives up the background requests still unanswered at its deadline (not a screen\'s), so none is answered "signed out"', async () => {
    const signals: AbortSignal[] = [];
    const fetch = vi.fn((_input: string, init?: RequestInit) => new Promise<Response>((_resolve, reject) => {
      const signal = init?.signal;
      if (signal) signals.push(signal);
      signal?.addEventListener('abort', () => reject(signal.reason as Error));
    }));
    vi.stubGlobal('fetch', fetch);
    const pull = api.backgroundFetch('/api/sync/pull');
    const pullFailed = expect(pull).rejects.toMatchObject({ name: 'AbortError' });
    const own = new AbortController();
    const pushed = api.backgroundFetch('/api/sync/push', { signal: own.signal });
    const pushFailed = expect(pushed).rejects.toMatchObject({ name: 'AbortError' });
    const read = api.noteOutcome(globalThis.fetch('/api/requests'));
    const q = await api.quiesceRequests(20);
    await pullFailed;
    await pushFailed;
    expect(signals.map((signal) => signal.aborted)).toEqual([true, true]);
    expect(own.signal.aborted).toBe(false);
    // The screen's own request is its own to end.
    let readSettled = false;
    void read.finally(() => { readSettled = true; });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(readSettled).toBe(false);
    q.done();
    // The next session's background requests are not given up.
    void api.backgroundFetch('/api/sync/pull');
    expect(signals.at(-1)?.aborted).toBe(false);
  });

  it('gives them up the same way in a browser without AbortSignal.any, leaving no listener behind', async () => {
    const any = Object.getOwnPropertyDescriptor(AbortSignal, 'any')!;
    Object.defineProperty(AbortSignal, 'any', { value: undefined, configurable: true, writable: true });
    try {
      const signals: AbortSignal[] = [];
      const fetch = vi.fn((_input: string, init?: RequestInit) => new Promise<Response>((resolve, reject) => {
        const signal = init!.signal!;
        signals.push(signal);
        signal.addEventListener('abort', () => reject(signal.reason as Error));
        if (_input.endsWith('answered')) resolve(new Response(null, { status: 200 }));
      }));
      vi.stubGlobal('fetch', fetch);
      const own = new AbortController();
      const removed = vi.spyOn(own.signal, 'removeEventListener');
      expect((await api.backgroundFetch('/api/sync/answered', { signal: own.signal })).status).toBe(200);
      await Promise.resolve();
      expect(removed).toHaveBeenCalledWith('abort', expect.any(Function));
      // The request's own deadline still ends it.
      const timed = new AbortController();
      const deadline = api.backgroundFetch('/api/sync/pull', { signal: timed.signal });
      timed.abort(new DOMException('late', 'TimeoutError'));
      await expect(deadline).rejects.toMatchObject({ name: 'TimeoutError' });
      // And a sign-out gives up what is left.
      const pull = api.backgroundFetch('/api/sync/pull', { signal: new AbortController().signal });
      const failed = expect(pull).rejects.toMatchObject({ name: 'AbortError' });
      (await api.quiesceRequests(20)).done();
      await failed;
    } finally {
      Object.defineProperty(AbortSignal, 'any', any);
    }
  });

  it('after done(), holds background requests back until the work stopping with the session has stopped', async () => {
    const { held, fetch } = heldFetch();
    vi.stubGlobal('fetch', fetch);
    let stopped!: () => void;
    api.stoppingWithSession(new Promise<void>((resolve) => { stopped = resolve; }));
    const q = await api.quiesceRequests(10);
    q.done();
    await expect(api.backgroundFetch('/api/sync/pull')).rejects.toThrow(/signing out/);
    expect(api.signingOut()).toBe(true);
    stopped();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(api.signingOut()).toBe(false);
    const after = api.backgroundFetch('/api/sync/pull');
    held[0]!.answer(200);
    expect((await after).status).toBe(200);
  });

  it('does not hold background requests back for ever for work that never stops', async () => {
    vi.useFakeTimers();
    try {
      api.stoppingWithSession(new Promise<void>(() => undefined));
      (await api.quiesceRequests(10).then((q) => q)).done();
      expect(api.signingOut()).toBe(true);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(api.signingOut()).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('waits for nothing when nothing is in flight, and a failed request counts as settled', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new TypeError('network down'))));
    await expect(api.backgroundFetch('/api/sync/push')).rejects.toThrow('network down');
    (await api.quiesceRequests(60_000)).done();
  });
});
