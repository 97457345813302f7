import { createSigningRequest, generateSigningKeyPair, toPem, type ImpressionCertificate } from '@seal/shared';
import { requestSigningCertificate } from '../api/documents';
import { credentialId, type HeldCredential, type SigningDb } from './signingDb';

/** Renewed when online and less than this remains (ADR 008: the tablet renews whenever it can). */
export const RENEW_BEFORE_MS = 24 * 60 * 60 * 1000;

/** A held credential whose certificate is valid at `now`. */
export type ValidCredential = HeldCredential & { readonly certificate: NonNullable<HeldCredential['certificate']> };

/** The credential for this seal × holder if its certificate is valid now; otherwise undefined (this tablet cannot sign). */
export async function validCredential(db: SigningDb, sealId: string, holderId: string, now: number): Promise<ValidCredential | undefined> {
  const held = await db.credentials.get(credentialId(sealId, holderId));
  const cert = held?.certificate;
  if (held === undefined || cert === undefined || now < cert.notBefore || now >= cert.notAfter) return undefined;
  return held as ValidCredential;
}

/** The certificate as `judgeImpression` reads it (the tablet knows of no revocation while offline). */
export const impressionCertificateOf = (c: ValidCredential): ImpressionCertificate => ({
  serial: c.certificate.serial, sealId: c.sealId, holderId: c.holderId, notBefore: c.certificate.notBefore, notAfter: c.certificate.notAfter, revokedAt: null,
});

/**
 * While online: makes sure this tablet holds a certificate for the seal × holder with more than a
 * day left, generating the non-extractable key on first use and asking the server to certify it
 * (a PKCS#10 request, proof of possession). Throws what the server answered when it refuses.
 */
export async function ensureCertificate(db: SigningDb, sealId: string, holderId: string, now: number): Promise<ValidCredential> {
  const id = credentialId(sealId, holderId);
  let held = await db.credentials.get(id);
  if (held?.certificate !== undefined && held.certificate.notAfter - now > RENEW_BEFORE_MS && now >= held.certificate.notBefore) return held as ValidCredential;
  if (held === undefined) {
    const keys = await generateSigningKeyPair({ extractable: false });
    held = { id, sealId, holderId, privateKey: keys.privateKey, publicKey: keys.publicKey };
    await db.credentials.put(held);
  }
  // The server writes the subject itself (organisation, seal id, seal name); this one only carries the key.
  const csr = await createSigningRequest({ privateKey: held.privateKey, publicKey: held.publicKey }, { commonName: sealId, organization: 'seal holder' });
  const issued = await requestSigningCertificate({ sealId, csr: toPem('CERTIFICATE REQUEST', csr) });
  const renewed: ValidCredential = {
    ...held,
    certificate: {
      serial: issued.record.serial, pem: issued.certificate, chain: issued.chain,
      notBefore: Date.parse(issued.record.notBefore), notAfter: Date.parse(issued.record.notAfter),
    },
  };
  await db.credentials.put(renewed);
  return renewed;
}
