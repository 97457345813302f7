import { ApiError } from './errors';

const MINUTE = 60_000;

/**
 * A per-user limit on a dear route: a person may ask `max` times a minute, counted per user
 * whatever their sessions or addresses, in a window from their first ask; 429 `rate_limited`
 * past it, the message saying `what` was asked too often and when to try again. Countersigning
 * (each may draw the document again: AUTH_RATE_LIMIT a minute) and filing a process sheet's scan
 * (each is decoded and searched for its QR) are so limited.
 */
export function perUserLimit(max: number, now: () => number, what: string): (userId: string) => void {
  const windows = new Map<string, { start: number; count: number }>();
  return (userId) => {
    const at = now();
    if (windows.size > 10_000) for (const [k, w] of windows) if (at - w.start >= MINUTE) windows.delete(k);
    const w = windows.get(userId);
    if (w === undefined || at - w.start >= MINUTE) return void windows.set(userId, { start: at, count: 1 });
    w.count += 1;
    if (w.count > max) throw new ApiError(429, 'rate_limited', `Too many ${what}: at most ${max} a minute; try again in ${Math.ceil((w.start + MINUTE - at) / 1000)} s`);
  };
}
