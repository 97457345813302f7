import { evidenceResponseSchema, sealLedgerResponseSchema, type EvidenceResponse, type SealLedgerResponse } from '@seal/shared';
import { apiRequest } from './request';

export type { EvidenceResponse, SealLedgerResponse };

const part = (id: string): string => encodeURIComponent(id);

/** `GET /api/hq/evidence/stamps/:deviceEventId`: one stamp's evidence and the server's verification of it. */
export const fetchStampEvidence = (deviceEventId: string): Promise<EvidenceResponse> =>
  apiRequest('GET', `/api/hq/evidence/stamps/${part(deviceEventId)}`, evidenceResponseSchema);

/** `GET /api/hq/evidence/requests/:requestId`: a request's evidence, all its stamps. */
export const fetchRequestEvidence = (requestId: string): Promise<EvidenceResponse> =>
  apiRequest('GET', `/api/hq/evidence/requests/${part(requestId)}`, evidenceResponseSchema);

/** `GET /api/hq/evidence/seals/:sealId?from&to`: a seal's ledger over a period (device clock, both ends included). */
export function fetchSealLedger(sealId: string, period: { from?: number; to?: number }): Promise<SealLedgerResponse> {
  const query = new URLSearchParams();
  if (period.from !== undefined) query.set('from', String(period.from));
  if (period.to !== undefined) query.set('to', String(period.to));
  const search = query.size > 0 ? `?${query.toString()}` : '';
  return apiRequest('GET', `/api/hq/evidence/seals/${part(sealId)}${search}`, sealLedgerResponseSchema);
}

/** Where a stamp's or a request's evidence bundle downloads from (`Content-Disposition: attachment`). */
export const bundleDownloadPath = (kind: 'stamp' | 'request', id: string): string =>
  `/api/hq/bundles/${kind === 'stamp' ? 'stamps' : 'requests'}/${part(id)}`;
