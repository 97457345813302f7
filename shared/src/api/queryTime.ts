import { z } from 'zod';

/**
 * The latest instant a query may name: the start of the year 9999. Answers carry times no later
 * than `MAX_MILLIS` (the end of 9999), and HQ reads a period in whole China-time days (+8 h),
 * with a 30-day default and spans of up to 400 days: a year's room keeps every rounded end, and
 * every day label (`YYYY-MM-DD`), inside what answers can carry. A later time is refused (400),
 * never answered with a server error.
 */
export const QUERY_MAX_MS = Date.UTC(9999, 0, 1);

/** Epoch milliseconds in a query string, 0 … {@link QUERY_MAX_MS}. */
export const queryMillisSchema = z.coerce.number().int().min(0).max(QUERY_MAX_MS);

/** A day or a moment in a query: epoch milliseconds or an ISO 8601 date / date-time, 0 … {@link QUERY_MAX_MS}. */
export const queryTimeSchema = z
  .string()
  .max(40)
  .transform((text, ctx) => {
    const value = /^\d{1,15}$/.test(text) ? Number(text) : /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < 0 || value > QUERY_MAX_MS) {
      ctx.addIssue({ code: 'custom', message: 'expected epoch milliseconds or an ISO 8601 date, from 1970 to the start of 9999' });
      return z.NEVER;
    }
    return value;
  })
  .describe('Epoch milliseconds, or an ISO 8601 date / date-time (1970 to the start of 9999)');
