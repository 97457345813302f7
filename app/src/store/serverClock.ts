/**
 * The server's clock as this device can tell it: how far the device's own clock is off, learned
 * from the server's answers, and kept. Rows are dated by the device's clock corrected by it
 * (`ServerClock.now`, which the store hands out as `store.now`): a site tablet whose clock runs
 * fast would otherwise have every lifecycle move refused `future_time` (more than 5 minutes ahead
 * of the server), and its certificate-signed impressions judged outside their certificate.
 * (ADR 003, *Clocks*.)
 */

/** The most the device's clock is corrected by, either way (a day): a server's word moves the dates made here no further. */
export const MAX_CLOCK_CORRECTION_MS = 24 * 60 * 60 * 1000;

/**
 * An answer that took longer than this to come (by the device's clock) teaches nothing: the
 * server's time in it could be anywhere between the request and the answer.
 */
export const MAX_SAMPLE_ROUND_TRIP_MS = 60_000;

/** From how far off the sync status says the clock is off (it is corrected below that too). */
export const CLOCK_SHOWN_FROM_MS = 60_000;

/** Where the correction is kept in the store's book: it holds across reloads and days offline. */
export const SERVER_CLOCK_STATE = 'serverClock';

/** One answer of the server: when the request left and the answer came (device clock), and the server's time in it. */
export interface ClockSample {
  readonly sentAt: number;
  readonly receivedAt: number;
  readonly serverTime: number;
}

/** How the device's clock is corrected. */
export interface ClockCorrection {
  /** Added to the device's clock: the server's clock minus the device's (negative when the device runs fast). */
  readonly offsetMs: number;
  /** The server's answers put the device further off than {@link MAX_CLOCK_CORRECTION_MS}: the correction stops there. */
  readonly clamped: boolean;
  /** The server's time in the last answer that confirmed or set it. */
  readonly checkedAt: number;
}

const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** `offset` held within ±{@link MAX_CLOCK_CORRECTION_MS}, whole milliseconds. */
export function clampOffset(offset: number): { readonly offsetMs: number; readonly clamped: boolean } {
  const offsetMs = Math.round(Math.min(MAX_CLOCK_CORRECTION_MS, Math.max(-MAX_CLOCK_CORRECTION_MS, offset)));
  return { offsetMs: offsetMs === 0 ? 0 : offsetMs, clamped: Math.abs(offset) > MAX_CLOCK_CORRECTION_MS };
}

/**
 * The correction after one answer, or `null` when it teaches nothing (a time that is no number, an
 * answer that came before it was asked for — the device's clock went back meanwhile — or took
 * longer than {@link MAX_SAMPLE_ROUND_TRIP_MS}). The server read its clock between the request
 * leaving and the answer coming, so the offset lies between `serverTime − receivedAt` and
 * `serverTime − sentAt`. The held correction stands while it lies there (it does not wobble with
 * each answer's latency); otherwise the middle of that span takes its place, off by at most half
 * the round trip. Clamped to ±{@link MAX_CLOCK_CORRECTION_MS} either way.
 */
export function correctionFrom(sample: ClockSample, held: ClockCorrection | null): ClockCorrection | null {
  const { sentAt, receivedAt, serverTime } = sample;
  if (!isTime(sentAt) || !isTime(receivedAt) || !isTime(serverTime)) return null;
  const roundTrip = receivedAt - sentAt;
  if (roundTrip < 0 || roundTrip > MAX_SAMPLE_ROUND_TRIP_MS) return null;
  const lowest = serverTime - receivedAt;
  const highest = serverTime - sentAt;
  if (held !== null && !held.clamped && held.offsetMs >= lowest && held.offsetMs <= highest) return { ...held, checkedAt: serverTime };
  return { ...clampOffset((lowest + highest) / 2), checkedAt: serverTime };
}

/** A correction as kept in the book, or `null` when what is kept is none (never learned, or not one this app wrote): never taken beyond the clamp. */
export function parseCorrection(value: unknown): ClockCorrection | null {
  if (typeof value !== 'object' || value === null) return null;
  const { offsetMs, clamped, checkedAt } = value as Record<string, unknown>;
  if (!isTime(offsetMs) || !isTime(checkedAt)) return null;
  const bounded = clampOffset(offsetMs);
  return { offsetMs: bounded.offsetMs, clamped: bounded.clamped || clamped === true, checkedAt };
}

/**
 * The device's clock corrected by what the server's answers taught (`now`), the one clock every
 * row made here is dated by. Until an answer taught anything (a tablet that never synced), it is
 * the device's clock. The correction is kept through `keep` whenever it changes, and read back
 * when the store opens.
 */
export class ServerClock {
  #correction: ClockCorrection | null;
  /** The server's time in the last answer taken: an older one after it is a stale answer delivered again, and teaches nothing. */
  #lastServerTime = -Infinity;
  readonly #listeners = new Set<(correction: ClockCorrection | null) => void>();

  constructor(
    private readonly deviceNow: () => number,
    held: ClockCorrection | null,
    private readonly keep: (correction: ClockCorrection) => Promise<unknown> = () => Promise.resolve(),
  ) {
    this.#correction = held;
  }

  /** The device's own clock, uncorrected (what an answer's round trip is timed by). */
  readonly deviceTime = (): number => this.deviceNow();

  /** The time to date a row made now by: the device's clock plus the correction. */
  readonly now = (): number => this.deviceNow() + (this.#correction?.offsetMs ?? 0);

  /** The correction in force (`null`: nothing learned yet). */
  get correction(): ClockCorrection | null {
    return this.#correction;
  }

  /**
   * Learns from one answer of the server (see {@link correctionFrom}); answers whether the
   * correction changed. Only answers of this origin's server to a signed-in request are given
   * here (`SyncClient`): the server judges the rows, so its clock is the one to date them by.
   */
  observe(sample: ClockSample): boolean {
    if (!isTime(sample.serverTime) || sample.serverTime < this.#lastServerTime) return false;
    const next = correctionFrom(sample, this.#correction);
    if (next === null) return false;
    this.#lastServerTime = sample.serverTime;
    const before = this.#correction;
    this.#correction = next;
    const changed = before === null || before.offsetMs !== next.offsetMs || before.clamped !== next.clamped;
    if (changed) {
      // Kept for the next opening; a write that fails leaves this session's correction in force.
      this.keep(next).catch(() => undefined);
      for (const listener of [...this.#listeners]) listener(next);
    }
    return changed;
  }

  /** Calls `listener` now and whenever the correction changes; returns the unsubscribe function. */
  subscribe(listener: (correction: ClockCorrection | null) => void): () => void {
    this.#listeners.add(listener);
    listener(this.#correction);
    return () => this.#listeners.delete(listener);
  }
}
