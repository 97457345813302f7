/**
 * A PDF that reads one way in a viewer and another to pdf-lib (a reviewer's finding). Its
 * cross-reference names page 3 at "APPROVED: PAY 100 CNY"; a second `3 0 obj` later in the file,
 * named by no xref entry, shows "FORGED: PAY 1,000,000 CNY". Viewers follow the xref, so the
 * approvers saw APPROVED; pdf-lib keeps the last definition it meets, so the app's own stamping
 * rewrites the page from the forged copy and the stamped PDF shows FORGED. Both signatures would
 * be valid and the approved bytes are its first revision, so only the structure gives it away:
 * the real server refuses it `pdf_ambiguous` at countersign (`unambiguousPdf` in `judgeStampedPdf`).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { factRowId, subjectOf, verificationCodeOf, type ElectronicGrant, type Impression, type ImpressionLayoutRecord } from '@seal/shared';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { drawAsTheApp, signAsTheApp } from '../stampedPdfs';
import { ELECTRONIC_SEAL_ID, electronicGrantWorld, holderSigner } from './electronicGrantWorld';
import { startSyncServer, type Person, type RunningSync, type World } from './harness';

const LOOK = { kind: 'contract', name: '合同专用章' } as const;
let running: RunningSync; let world: World; let staff: Person; let grant: ElectronicGrant;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const call = (method: 'GET' | 'POST', url: string, person?: Person, body?: unknown) => running.server.call(method, url, { ...(person ? { cookie: person.cookie } : {}), ...(body === undefined ? {} : { body }) });

/** The reviewer's approved document (as `/tmp/review/differential.mts` built it). */
function shadowPagePdf(): Uint8Array {
  const offsets: Record<number, number> = {};
  let out = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n';
  const add = (num: number, body: string, listed = true) => { if (listed) offsets[num] = out.length; out += `${num} 0 obj\n${body}\nendobj\n`; };
  const stream = (s: string) => `<< /Length ${s.length} >>\nstream\n${s}\nendstream`;
  const page = (contents: number) => `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents ${contents} 0 R /Resources << /Font << /F1 6 0 R >> >> >>`;
  add(1, '<< /Type /Catalog /Pages 2 0 R >>');
  add(2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
  add(3, page(4));
  add(4, stream('BT /F1 24 Tf 72 700 Td (APPROVED: PAY 100 CNY) Tj ET'));
  add(5, stream('BT /F1 24 Tf 72 700 Td (FORGED: PAY 1,000,000 CNY) Tj ET'));
  add(6, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  add(3, page(5), false);
  const xrefAt = out.length;
  out += 'xref\n0 7\n0000000000 65535 f\r\n';
  for (let i = 1; i <= 6; i++) out += `${String(offsets[i]).padStart(10, '0')} 00000 n\r\n`;
  out += `trailer\n<< /Size 7 /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Uint8Array.from(out, (c) => c.charCodeAt(0));
}
const source = shadowPagePdf();

/** What poppler (as a viewer) shows of `pdf`. */
function textOf(pdf: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'ambiguous-'));
  try {
    writeFileSync(join(dir, 'x.pdf'), pdf);
    return execFileSync('pdftotext', [join(dir, 'x.pdf'), '-']).toString();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  running = await startSyncServer();
  ({ world, staff, grant } = await electronicGrantWorld(running, { requestId: 'req-e-ambiguous', source, pages: 1, uses: 2 }));
});
afterAll(async () => {
  await running?.close();
});

it("refuses to countersign the app's stamping of an approved PDF that a viewer and pdf-lib read differently", async () => {
  const { signer, serial } = await holderSigner(running, staff, ELECTRONIC_SEAL_ID);
  const id = `ambiguous-${process.pid}`.padEnd(22, '0');
  const code = await verificationCodeOf(id);
  const claimedAt = Math.floor(Date.now() / 1000) * 1000;
  const layout: ImpressionLayoutRecord = { placements: [{ page: 0, x: 150, y: 200 }], origin: running.server.config.origins[0]! };
  const signed = await signAsTheApp(await drawAsTheApp(source, { look: LOOK, unitName: 'Site 项目部', layout, code }), signer, { id, sealId: grant.sealId, claimedAt });
  // The attack is real: the approvers' viewer shows one amount, the stamped PDF another.
  expect(textOf(source)).toContain('APPROVED: PAY 100 CNY');
  expect(textOf(signed)).toContain('FORGED: PAY 1,000,000 CNY');
  expect(sha(signed.subarray(0, source.length))).toBe(sha(source));
  const impression: Impression = {
    id: id as Impression['id'], grantId: grant.id, requestId: grant.requestId, sealId: grant.sealId, holderId: grant.holderId, sourceSha256: sha(source), signedSha256: sha(signed),
    certificateSerial: serial, claimedAt, pages: [1], verificationCode: code, layout,
  };
  const pushed = await call('POST', '/api/sync/push', staff, { rows: [{
    id: factRowId('impression', id), type: 'fact', kind: 'impression', subject: subjectOf('request', grant.requestId), scopeUnitId: world.siteId, author: staff.userId, createdAt: Date.now(), body: impression,
  }] });
  expect(pushed.json<{ results: { status: string }[] }>().results[0], pushed.body).toMatchObject({ status: 'accepted' });
  const answer = await call('POST', `/api/documents/impressions/${id}/countersign`, staff, { pdf: Buffer.from(signed).toString('base64') });
  expect(answer.statusCode, answer.body).toBe(422);
  expect(answer.json()).toMatchObject({ error: 'pdf_ambiguous', message: expect.stringContaining('object 3') as unknown });
  expect((await call('GET', `/api/verify/${code}`)).json()).toMatchObject({ record: { countersignature: { status: 'awaiting' } } });
});
