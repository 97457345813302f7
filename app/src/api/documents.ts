import { caCertificateResponseSchema } from '@seal/shared';
import { apiRequest } from './request';

/** `GET /api/documents/ca` (public): the organisation CA certificate (PEM) that stamped PDFs chain to. */
export async function fetchCaCertificate(): Promise<string> {
  const { certificate } = await apiRequest('GET', '/api/documents/ca', caCertificateResponseSchema);
  return certificate;
}
