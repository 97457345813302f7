import {
  archiveResponseSchema, processSheetScanResponseSchema, processSheetScansResponseSchema,
  type ArchiveResponse, type FiledScan, type ProcessSheetScanBody, type ProcessSheetScanResponse,
} from '@seal/shared';
import { ApiError } from './ApiError';
import { apiRequest } from './request';

export type { ArchiveResponse, FiledScan };

const part = (id: string): string => encodeURIComponent(id);

/** `POST /api/process-sheets/scans`: files a scan (PNG) to the request its QR names; the server reads the QR itself. */
export const fileScan = (body: ProcessSheetScanBody): Promise<ProcessSheetScanResponse> => apiRequest('POST', '/api/process-sheets/scans', processSheetScanResponseSchema, body);

/** `GET /api/process-sheets/scans?request=`: the scans filed to one request, newest first. */
export const fetchScans = (requestId: string): Promise<FiledScan[]> =>
  apiRequest('GET', `/api/process-sheets/scans?request=${part(requestId)}`, processSheetScansResponseSchema).then((a) => a.scans);

/** Where a filed scan's image is served (an `<img src>`: the session cookie goes with it). */
export const scanImageUrl = (scanId: string): string => `/api/process-sheets/scans/${part(scanId)}/image`;

/** What the archive is searched by (`GET /api/archive`); unset or empty ones are left out. */
export interface ArchiveFilter {
  readonly title?: string | undefined;
  readonly seal?: string | undefined;
  readonly unit?: string | undefined;
  readonly code?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

/** `GET /api/archive`: one page of stamped documents in the reader's scope, newest first. */
export function fetchArchive(filter: ArchiveFilter, cursor?: string): Promise<ArchiveResponse> {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...filter, cursor })) if (value !== undefined && value.trim() !== '') query.set(name, value.trim());
  return apiRequest('GET', `/api/archive${query.size > 0 ? `?${query.toString()}` : ''}`, archiveResponseSchema);
}

/** `GET /api/process-sheets/font`: the CJK font the sheet is printed in (8 MB, kept by the HTTP cache). */
export async function fetchSheetFont(): Promise<ArrayBuffer> {
  let response: Response;
  try {
    response = await fetch('/api/process-sheets/font', { credentials: 'same-origin' });
  } catch (cause) {
    throw new ApiError({ status: 0, code: navigator.onLine ? 'network' : 'offline', message: 'The font for the process sheet could not be fetched', cause });
  }
  if (!response.ok) throw new ApiError({ status: response.status, code: response.status === 401 ? 'unauthenticated' : 'bad_response', message: `The font answered ${response.status}`, cause: undefined });
  return response.arrayBuffer();
}
