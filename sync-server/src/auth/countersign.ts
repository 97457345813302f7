import { checkPdfSignatures, COUNTERSIGNATURE_PURPOSE, ORG_COUNTERSIGNATURE_FIELD, signerSerialOf, generateSigningKeyPair, issueSigningCertificate, newSerialNumber, readSigningRequest, createSigningRequest, signPdf, type Issuer, type PdfSignatureCheck, type Signer } from '@seal/shared';
import type { CertificateDoc } from '../couch/certificatesRepo';

const DAY_MS = 86_400_000;
/** Life of a server instance's countersigning certificate; renewed a day before it ends. */
const COUNTERSIGNER_DAYS = 30;

/**
 * This instance's countersigning key (in memory, non-extractable) and its certificate from the
 * organisation CA (ADR 008): no second key file; a restart, or the certificate's end, rotates it.
 */
export function countersigner(ca: () => Promise<Issuer>, organization: string, now: () => number): () => Promise<Signer> {
  let current: { signer: Signer; renewAt: number } | undefined;
  let pending: Promise<Signer> | undefined;
  const make = async (): Promise<Signer> => {
    const issuer = await ca();
    const keys = await generateSigningKeyPair({ extractable: false });
    const subject = { commonName: `${organization} countersignature`, organization };
    const at = now();
    const certificate = await issueSigningCertificate(issuer, await readSigningRequest(await createSigningRequest(keys, subject)), {
      serialNumber: newSerialNumber(), subject, notBefore: new Date(at - 5 * 60_000), notAfter: new Date(at + COUNTERSIGNER_DAYS * DAY_MS),
      purposes: [COUNTERSIGNATURE_PURPOSE],
    });
    const signer = { privateKey: keys.privateKey, certificate, chain: [issuer.certificate] };
    current = { signer, renewAt: at + (COUNTERSIGNER_DAYS - 1) * DAY_MS };
    return signer;
  };
  return async () => {
    if (current && now() < current.renewAt) return current.signer;
    pending ??= make().finally(() => { pending = undefined; });
    return pending;
  };
}

/** Why a stamped PDF is not countersigned, in words for the person who sent it; undefined when it may be. */
export function countersignRefusal(checks: readonly PdfSignatureCheck[], record: CertificateDoc | undefined): string | undefined {
  if (checks.length !== 1) return `expected the seal's one signature, found ${checks.length} signature${checks.length === 1 ? '' : 's'}`;
  const [seal] = checks as [PdfSignatureCheck];
  if (!seal.intact) return `the seal's signature does not match the document: ${seal.problems.join('; ')}`;
  if (!seal.chained) return `the seal's signature does not chain to the organisation CA: ${seal.problems.join('; ')}`;
  if (!seal.coversWholeDocument) return 'bytes were appended after the seal\'s signature';
  if (!record) return 'the signer certificate is not one the organisation CA issued to a seal holder';
  if (record.revokedAt !== null && seal.signedAt !== undefined && seal.signedAt >= record.revokedAt) {
    return `the signer certificate was revoked at ${record.revokedAt}, before the claimed signing time ${seal.signedAt}`;
  }
  return undefined;
}

/**
 * Checks a stamped PDF and, when the seal's signature stands and `mayAsk` lets the caller have this
 * certificate's documents countersigned (it throws otherwise), appends the organisation's countersignature.
 */
export async function countersignPdf(
  pdf: Uint8Array, caCertificate: Uint8Array, lookup: (serial: string) => Promise<CertificateDoc | undefined>, mayAsk: (record: CertificateDoc) => Promise<void>,
  signer: () => Promise<Signer>, at: Date,
) {
  let checks: PdfSignatureCheck[];
  try {
    checks = await checkPdfSignatures(pdf, [caCertificate]);
  } catch (error) {
    return { ok: false as const, reason: `the file is not a readable PDF: ${(error as Error).message}` };
  }
  const serial = checks.length === 1 ? signerSerialOf(checks[0]!) : undefined;
  const record = serial === undefined ? undefined : await lookup(serial);
  if (record) await mayAsk(record);
  const reason = countersignRefusal(checks, record);
  if (reason !== undefined || !record) return { ok: false as const, reason: reason ?? 'no certificate record' };
  const signed = await signPdf(pdf, await signer(), { name: ORG_COUNTERSIGNATURE_FIELD, signedAt: at, reason: `Seal ${record.sealId}: signature and certificate ${record.serial} checked` });
  return { ok: true as const, pdf: signed, record, seal: checks[0]! };
}
