/**
 * A real-world PDF (Debian's fontconfig manual, tests/fixtures/documents/README.md), stamped with a
 * placeholder rectangle where the seal goes, signed by an electronic seal's key under the
 * organisation CA, then counter-signed; judged by poppler's `pdfsig` (NSS) and `pdftoppm`, not by
 * our own verifier.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument, rgb } from '@cantoo/pdf-lib';
import { signPdf, toPem } from '@seal/shared';
import { makeTestPki, type TestPki } from '@seal/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const FIXTURE = new URL('../fixtures/documents/fontconfig-user.pdf', import.meta.url);
/** Where the placeholder seal is drawn on page 1, in PDF points (origin bottom left). */
const SEAL = { x: 420, y: 80, size: 110 };

let dir: string;
let nssDir: string;
let pki: TestPki;

/** pdfsig's report, one block per signature ("Signature #n:"), trusting only the test CA. */
async function pdfsig(pdf: Uint8Array, name: string): Promise<string[]> {
  const file = join(dir, name);
  await writeFile(file, pdf);
  // pdfsig exits non-zero when a signature fails; its report is on stdout either way.
  const { stdout } = await run('pdfsig', ['-nssdir', `sql:${nssDir}`, file]).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
  return stdout.split(/^Signature #\d+:$/m).slice(1);
}

/** The placeholder stamp: what the stamping step hands to signing (the seal itself is drawn elsewhere). */
async function stamped(): Promise<Uint8Array> {
  const doc = await PDFDocument.load(await readFile(FIXTURE), { updateMetadata: false });
  doc.getPage(0).drawRectangle({ x: SEAL.x, y: SEAL.y, width: SEAL.size, height: SEAL.size, color: rgb(0.85, 0.1, 0.1) });
  return doc.save();
}

const sealRect = [SEAL.x, SEAL.y, SEAL.x + SEAL.size, SEAL.y + SEAL.size] as const;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pdfsig-'));
  nssDir = join(dir, 'nss');
  pki = await makeTestPki();
  await run('mkdir', [nssDir]);
  await run('certutil', ['-N', '-d', `sql:${nssDir}`, '--empty-password']);
  await writeFile(join(dir, 'org-ca.pem'), toPem('CERTIFICATE', pki.caCertificate));
  await run('certutil', ['-A', '-d', `sql:${nssDir}`, '-n', 'Test Org CA', '-t', 'CT,C,C', '-i', join(dir, 'org-ca.pem')]);
});
afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

describe('signed stamped PDF, judged by poppler', () => {
  it('pdfsig reports the seal\'s signature valid and its certificate trusted (chained to the org CA)', async () => {
    const signer = await pki.signer({ commonName: '合同专用章', serialNumber: 'seal1' });
    const signed = await signPdf(await stamped(), signer, { name: 'seal:seal1', signedAt: new Date(), reason: 'Electronic seal', rect: sealRect });
    const [report, ...more] = await pdfsig(signed, 'signed.pdf');
    expect(more).toEqual([]);
    expect(report).toContain('Signature Field Name: seal:seal1');
    expect(report).toContain('Signer Certificate Common Name: 合同专用章');
    expect(report).toContain('Signature Type: ETSI.CAdES.detached');
    expect(report).toContain('Signing Hash Algorithm: SHA-256');
    expect(report).toContain('Total document signed');
    expect(report).toContain('Signature Validation: Signature is Valid.');
    expect(report).toContain('Certificate Validation: Certificate is Trusted.');
  });

  it('pdftoppm renders the signed document with the stamp where it was placed', async () => {
    const signer = await pki.signer({ commonName: 'Seal' });
    const signed = await signPdf(await stamped(), signer, { name: 'seal', signedAt: new Date(), rect: sealRect });
    const file = join(dir, 'render.pdf');
    await writeFile(file, signed);
    await run('pdftoppm', ['-r', '72', '-f', '1', '-l', '1', '-singlefile', file, join(dir, 'page')]);
    const ppm = await readFile(join(dir, 'page.ppm'));
    const [, width, height] = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 32).toString('latin1'))!.map(Number) as [string, number, number];
    const header = ppm.length - width * height * 3;
    const pixel = (x: number, yFromTop: number) => [...ppm.subarray(header + (yFromTop * width + x) * 3, header + (yFromTop * width + x) * 3 + 3)];
    // At 72 dpi a pixel is a point; PDF y grows upwards, the image's downwards.
    const [r, g, b] = pixel(SEAL.x + SEAL.size / 2, height - (SEAL.y + SEAL.size / 2)) as [number, number, number];
    expect(r).toBeGreaterThan(180);
    expect(g).toBeLessThan(80);
    expect(b).toBeLessThan(80);
    expect(pixel(20, 20)).toEqual([255, 255, 255]); // the page margin stays white
  });

  it('one changed byte in the signed range: pdfsig reports the signature invalid', async () => {
    const signer = await pki.signer({ commonName: 'Seal' });
    const signed = await signPdf(await stamped(), signer, { name: 'seal', signedAt: new Date(), rect: sealRect });
    for (const at of [2000, Math.floor(signed.length / 2), signed.length - 3]) {
      const tampered = signed.slice();
      tampered[at] = tampered[at]! ^ 0x20;
      const [report] = await pdfsig(tampered, `tampered-${at}.pdf`);
      expect(report, `byte ${at}`).not.toContain('Signature is Valid');
      expect(report, `byte ${at}`).toMatch(/Signature Validation: (Digest Mismatch|Signature is Invalid)/);
    }
  });

  it('the organisation\'s countersignature, an incremental update, validates too and leaves the seal\'s valid', async () => {
    const tablet = await pki.signer({ commonName: 'Seal', serialNumber: 'seal1' });
    const once = await signPdf(await stamped(), tablet, { name: 'seal:seal1', signedAt: new Date(), rect: sealRect });
    const server = await pki.signer({ commonName: 'Test Org countersignature' });
    const twice = await signPdf(once, server, { name: 'org-countersignature', signedAt: new Date(), reason: 'Grant and impression checked' });
    expect(twice.subarray(0, once.length)).toEqual(once);
    const [seal, counter, ...more] = await pdfsig(twice, 'countersigned.pdf');
    expect(more).toEqual([]);
    expect(seal).toContain('Signature Field Name: seal:seal1');
    expect(seal).toContain('Not total document signed');
    expect(seal).toContain('Signature Validation: Signature is Valid.');
    expect(counter).toContain('Signature Field Name: org-countersignature');
    expect(counter).toContain('Total document signed');
    expect(counter).toContain('Signature Validation: Signature is Valid.');
    expect(counter).toContain('Certificate Validation: Certificate is Trusted.');
  });

  it('a signature from a CA the verifier does not trust is intact but its issuer is not trusted', async () => {
    const stranger = await makeTestPki(new Date(), 'Stranger Org');
    const signed = await signPdf(await stamped(), await stranger.signer({ commonName: 'Forged seal' }), { name: 'seal', signedAt: new Date() });
    const [report] = await pdfsig(signed, 'stranger.pdf');
    expect(report).toContain('Signature Validation: Signature is Valid.');
    expect(report).not.toContain('Certificate is Trusted');
  });
});
