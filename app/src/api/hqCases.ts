import {
  anomalyScanResponseSchema,
  caseResponseSchema,
  casesResponseSchema,
  type AnomalyKind,
  type CaseStatus,
  type CaseView,
} from '@seal/shared';
import type { z } from 'zod';
import { apiRequest, REQUEST_DEADLINE } from './request';

export type { CaseView };
export type CasesResponse = z.output<typeof casesResponseSchema>;
export type AnomalyScanResponse = z.output<typeof anomalyScanResponseSchema>;

/** What the exception queue is narrowed by (`GET /api/hq/cases`); unset parameters are left out. */
export interface CaseFilter {
  readonly unit?: string | undefined;
  readonly status?: CaseStatus | undefined;
  readonly kind?: AnomalyKind | undefined;
}

const part = (id: string): string => encodeURIComponent(id);

/** `GET /api/hq/cases`: one page of the cases in the reader's scope, most recent first. */
export function fetchCases(filter: CaseFilter, page: { cursor?: string | undefined; limit?: number } = {}): Promise<CasesResponse> {
  const query = new URLSearchParams();
  for (const [name, value] of [['unit', filter.unit], ['status', filter.status], ['kind', filter.kind], ['cursor', page.cursor]] as const) {
    if (value !== undefined && value !== '') query.set(name, value);
  }
  if (page.limit !== undefined) query.set('limit', String(page.limit));
  const search = query.size > 0 ? `?${query.toString()}` : '';
  return apiRequest('GET', `/api/hq/cases${search}`, casesResponseSchema);
}

/** `GET /api/hq/cases/:id`: one case, its evidence and its review. */
export const fetchCase = (id: string): Promise<CaseView> => apiRequest('GET', `/api/hq/cases/${part(id)}`, caseResponseSchema).then((a) => a.case);

/** `POST /api/hq/cases/:id/acknowledge`: someone is on it (audited). */
export const acknowledgeCase = (id: string): Promise<CaseView> =>
  apiRequest('POST', `/api/hq/cases/${part(id)}/acknowledge`, caseResponseSchema, {}).then((a) => a.case);

/** `POST /api/hq/cases/:id/resolve`: closed, with the note saying why (required; audited). */
export const resolveCase = (id: string, note: string): Promise<CaseView> =>
  apiRequest('POST', `/api/hq/cases/${part(id)}/resolve`, caseResponseSchema, { note }).then((a) => a.case);

/**
 * `POST /api/hq/anomalies/scan`: detects anomalies in a unit's subtree and opens a case per new
 * root cause. It reads the subtree's whole history: given five minutes, not the usual 30 s (if it
 * is given up all the same, asking again opens nothing twice).
 */
export const scanForAnomalies = (unit: string): Promise<AnomalyScanResponse> =>
  apiRequest('POST', '/api/hq/anomalies/scan', anomalyScanResponseSchema, { unit }, { ...REQUEST_DEADLINE, baseMs: 300_000 });

/** Where the PDF audit report of a unit subtree over `[from, to)` downloads from. */
export function auditReportHref(report: { unit: string; from: number; to: number }): string {
  const query = new URLSearchParams({ unit: report.unit, from: String(report.from), to: String(report.to) });
  return `/api/hq/report.pdf?${query.toString()}`;
}
