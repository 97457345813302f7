import type { z } from 'zod';
import { caCertificateResponseSchema, countersignImpressionResponseSchema, signingCertificateResponseSchema, type SigningCertificateBody } from '@seal/shared';
import { apiRequest } from './request';

/** `GET /api/documents/ca` (public): the organisation CA certificate (PEM) that stamped PDFs chain to. */
export async function fetchCaCertificate(): Promise<string> {
  const { certificate } = await apiRequest('GET', '/api/documents/ca', caCertificateResponseSchema);
  return certificate;
}

/** `POST /api/documents/signing-certificates` (session): a short-lived certificate for this tablet's key and one electronic seal. */
export async function requestSigningCertificate(body: SigningCertificateBody): Promise<z.output<typeof signingCertificateResponseSchema>> {
  return apiRequest('POST', '/api/documents/signing-certificates', signingCertificateResponseSchema, body);
}

/** `POST /api/documents/impressions/:id/countersign` (session): the organisation's countersignature on an impression's signed PDF (base64). */
export async function countersignImpression(impressionId: string, pdfBase64: string): Promise<z.output<typeof countersignImpressionResponseSchema>> {
  return apiRequest('POST', `/api/documents/impressions/${encodeURIComponent(impressionId)}/countersign`, countersignImpressionResponseSchema, { pdf: pdfBase64 });
}
