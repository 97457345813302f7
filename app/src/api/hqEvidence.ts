import { evidenceResponseSchema, sealLedgerResponseSchema, type EvidenceResponse, type SealLedgerResponse } from '@seal/shared';
import { apiRequest, REQUEST_DEADLINE } from './request';

export type { EvidenceResponse, SealLedgerResponse };

const part = (id: string): string => encodeURIComponent(id);

/**
 * Evidence is checked by the server before its answer begins: the device's log from its first
 * entry, each signature verified. Two minutes for that, not the usual 30 s (the answer itself,
 * photos and all, is read for as long as it keeps arriving).
 */
const EVIDENCE_DEADLINE = { ...REQUEST_DEADLINE, baseMs: 120_000 };

/** `GET /api/hq/evidence/stamps/:deviceEventId`: one stamp's evidence and the server's verification of it. */
export const fetchStampEvidence = (deviceEventId: string): Promise<EvidenceResponse> =>
  apiRequest('GET', `/api/hq/evidence/stamps/${part(deviceEventId)}`, evidenceResponseSchema, undefined, EVIDENCE_DEADLINE);

/** `GET /api/hq/evidence/requests/:requestId`: a request's evidence, all its stamps. */
export const fetchRequestEvidence = (requestId: string): Promise<EvidenceResponse> =>
  apiRequest('GET', `/api/hq/evidence/requests/${part(requestId)}`, evidenceResponseSchema, undefined, EVIDENCE_DEADLINE);

/** `GET /api/hq/evidence/seals/:sealId?from&to`: a seal's ledger over a period (device clock, both ends included). */
export function fetchSealLedger(sealId: string, period: { from?: number; to?: number }): Promise<SealLedgerResponse> {
  const query = new URLSearchParams();
  if (period.from !== undefined) query.set('from', String(period.from));
  if (period.to !== undefined) query.set('to', String(period.to));
  const search = query.size > 0 ? `?${query.toString()}` : '';
  return apiRequest('GET', `/api/hq/evidence/seals/${part(sealId)}${search}`, sealLedgerResponseSchema, undefined, EVIDENCE_DEADLINE);
}

/** Where a stamp's or a request's evidence bundle downloads from (`Content-Disposition: attachment`). */
export const bundleDownloadPath = (kind: 'stamp' | 'request', id: string): string =>
  `/api/hq/bundles/${kind === 'stamp' ? 'stamps' : 'requests'}/${part(id)}`;
