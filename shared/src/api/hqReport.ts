import { z } from 'zod';
import { recordIdParamSchema } from './ids';
import { queryMillisSchema } from './queryTime';

const millis = queryMillisSchema;
const MAX_SPAN_MS = 400 * 86_400_000;

/** `GET /api/hq/report.pdf`: the unit whose subtree it covers, and the period `[from, to)` (counted in whole HQ days, China time, as the dashboard). */
export const auditReportQuerySchema = z.strictObject({
  unit: recordIdParamSchema,
  from: millis.describe('Start of the period, ms since the epoch (included)'),
  to: millis.describe('End of the period, ms since the epoch (excluded)'),
}).refine((q) => q.to > q.from && q.to - q.from <= MAX_SPAN_MS, { message: 'expected from < to, at most 400 days apart', path: ['to'] });
export type AuditReportQuery = z.output<typeof auditReportQuerySchema>;
