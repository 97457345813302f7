import { PDFDocument, StandardFonts } from '@cantoo/pdf-lib';
import { describe, expect, it } from 'vitest';
import { makeTestPki } from './testPki.testing';
import { checkPdfSignatures, parsePdfDate } from './verifyPdf';
import { pdfDate, signPdf } from './pades';
import { createSigningRequest, generateSigningKeyPair, readCertificate, readSigningRequest } from './certificates';

async function somePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  page.drawText('Contract no. 42', { x: 72, y: 760, size: 18, font: await doc.embedFont(StandardFonts.Helvetica) });
  page.drawRectangle({ x: 400, y: 60, width: 120, height: 120, borderColor: undefined });
  return doc.save({ useObjectStreams: true });
}

describe('PAdES signature of a PDF (Node WebCrypto)', () => {
  it('keeps the document bytes, and the signature verifies and chains to the CA that issued it', async () => {
    const pdf = await somePdf();
    const pki = await makeTestPki();
    const signer = await pki.signer({ commonName: 'Contract seal', serialNumber: 'seal1' });
    await expect(crypto.subtle.exportKey('pkcs8', signer.privateKey)).rejects.toThrow(); // the tablet's key cannot leave WebCrypto
    const signedAt = new Date(Math.floor(Date.now() / 1000) * 1000); // PDF dates count whole seconds
    const signed = await signPdf(pdf, signer, { name: 'seal:seal1', signedAt, rect: [400, 60, 520, 180] });

    expect(signed.subarray(0, pdf.length)).toEqual(pdf); // an incremental update: the approved bytes are a prefix
    const [check, ...others] = await checkPdfSignatures(signed, [pki.caCertificate]);
    expect(others).toEqual([]);
    expect(check).toMatchObject({ field: 'seal:seal1', subFilter: 'ETSI.CAdES.detached', intact: true, chained: true, coversWholeDocument: true, signedAt: signedAt.toISOString(), problems: [] });
  });

  it('a changed byte anywhere in the signed range breaks the signature', async () => {
    const pki = await makeTestPki();
    const pdf = await somePdf();
    const signed = await signPdf(pdf, await pki.signer({ commonName: 'Seal' }), { name: 'seal', signedAt: new Date() });
    const [, gapStart, gapEnd] = (await checkPdfSignatures(signed, [pki.caCertificate]))[0]!.byteRange as [number, number, number];
    // In the original document, in the appended signature dictionary before /Contents, and in the trailer after it.
    for (const at of [100, pdf.length - 20, gapStart - 5, gapEnd + 3, signed.length - 2]) {
      const tampered = signed.slice();
      tampered[at] = tampered[at]! ^ 0x01;
      const [check] = await checkPdfSignatures(tampered, [pki.caCertificate]).catch(() => [undefined]);
      // Either the file no longer parses as a PDF, or the signature fails: never "intact".
      expect(check?.intact ?? false).toBe(false);
    }
  });

  it('a second signature (the organisation\'s countersignature) leaves the first one valid', async () => {
    const pki = await makeTestPki();
    const pdf = await somePdf();
    const once = await signPdf(pdf, await pki.signer({ commonName: 'Seal' }), { name: 'seal', signedAt: new Date() });
    const twice = await signPdf(once, await pki.signer({ commonName: 'Server' }), { name: 'org-countersignature', signedAt: new Date() });
    const checks = await checkPdfSignatures(twice, [pki.caCertificate]);
    expect(checks.map((c) => [c.field, c.intact, c.chained, c.coversWholeDocument, c.signedLength])).toEqual([
      ['seal', true, true, false, once.length],
      ['org-countersignature', true, true, true, twice.length],
    ]);
  });

  it('a certificate from another CA does not chain, though the signature itself is intact', async () => {
    const ours = await makeTestPki();
    const theirs = await makeTestPki(new Date(), 'Other Org');
    const signed = await signPdf(await somePdf(), await theirs.signer({ commonName: 'Forged seal' }), { name: 'seal', signedAt: new Date() });
    const [check] = await checkPdfSignatures(signed, [ours.caCertificate]);
    expect(check).toMatchObject({ intact: true, chained: false });
    expect(check!.problems.join()).toMatch(/not issued by the organisation CA/);
  });

  it('a signing time outside the certificate\'s validity does not chain', async () => {
    const pki = await makeTestPki(new Date('2026-01-01T00:00:00Z'));
    const signer = await pki.signer({ commonName: 'Seal' }, { at: new Date('2026-01-01T00:00:00Z'), days: 7 });
    const signed = await signPdf(await somePdf(), signer, { name: 'seal', signedAt: new Date('2026-03-01T00:00:00Z') });
    const [check] = await checkPdfSignatures(signed, [pki.caCertificate]);
    expect(check).toMatchObject({ intact: true, chained: false });
  });

  it('a signing request signed by a key other than the one it names is refused', async () => {
    const named = await generateSigningKeyPair({ extractable: false });
    const other = await generateSigningKeyPair({ extractable: false });
    const honest = await createSigningRequest(named, { commonName: 'Seal', organization: 'Org' });
    const forged = await createSigningRequest({ publicKey: named.publicKey, privateKey: other.privateKey }, { commonName: 'Seal', organization: 'Org' });
    await expect(readSigningRequest(honest)).resolves.toBeDefined();
    await expect(readSigningRequest(forged)).rejects.toThrow(/not signed by the key it names/);
    await expect(readSigningRequest(new Uint8Array([1, 2, 3]))).rejects.toThrow();
  });

  it('certificates carry one attribute per RDN and a positive serial', async () => {
    const pki = await makeTestPki();
    const cert = readCertificate((await pki.signer({ commonName: '合同专用章', serialNumber: 'seal1' })).certificate);
    expect(cert.subject.typesAndValues.map((tv) => tv.type)).toEqual(['2.5.4.10', '2.5.4.5', '2.5.4.3']);
    expect(cert.subject.toSchema().valueBlock.value).toHaveLength(3);
    expect(cert.serialNumber.valueBlock.valueHexView[0]! & 0x80).toBe(0);
  });

  it('PDF dates round-trip in UTC and read offsets', () => {
    const at = new Date('2026-12-03T10:51:17.000Z');
    expect(parsePdfDate(pdfDate(at))).toBe(at.toISOString());
    expect(parsePdfDate("D:20261203185117+08'00'")).toBe(at.toISOString());
    expect(parsePdfDate('yesterday')).toBeUndefined();
  });
});
