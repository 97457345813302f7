/**
 * The browser side of offlineSigning.test.ts, bundled by vite into one script for a page: the
 * tablet's steps with the same shared code the app uses (no Node built-ins, no Buffer).
 */
import { createSigningRequest, fromPem, generateSigningKeyPair, signPdf, toPem, type SigningKeyPair } from '@seal/shared';

let keys: SigningKeyPair | undefined;

const fromBase64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Online: a non-extractable key made here, and the signing request the server will certify. */
export async function makeRequest(): Promise<{ csr: string; extractable: boolean }> {
  keys = await generateSigningKeyPair({ extractable: false });
  return { csr: toPem('CERTIFICATE REQUEST', await createSigningRequest(keys, { commonName: 'tablet', organization: 'Test Org' })), extractable: keys.privateKey.extractable };
}

/** Offline: signs the PDF with the key made above and the certificate chain (PEM) the server issued. */
export async function signOffline(pdfBase64: string, certificatePem: string, chainPem: string): Promise<string> {
  if (!keys) throw new Error('no key: call makeRequest first');
  const signed = await signPdf(fromBase64(pdfBase64), {
    privateKey: keys.privateKey, certificate: fromPem('CERTIFICATE', certificatePem)[0]!, chain: fromPem('CERTIFICATE', chainPem),
  }, { name: 'seal:eseal-1', signedAt: new Date(), reason: 'Signed on a tablet with no network' });
  return toBase64(signed);
}
