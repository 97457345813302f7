/**
 * A process sheet's round trip against the real server: a request is recorded at a site; its
 * sheet is printed (PDF), stamped and "scanned" (the page turned 3°, a red seal stamped on it,
 * rendered by poppler to a PNG); the code read from the scan's pixels is sent with the PNG to
 * POST /api/process-sheets/scans, which files it to that request — the attachment fact names
 * `request:<id>` and the bytes come back whole. A code naming no request, another unit's request,
 * or no sheet at all is refused with its own code, and nothing is filed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { degrees, PDFDocument } from '@cantoo/pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  asId, drawProcessSheet, drawSealOnPage, embedSealFont, fromBase64Url, processSheetCode, readProcessSheet, requestIdSchema, sealAppearance, sha256, toBase64Url, toHex,
} from '@seal/shared';
import { createUnit } from '../../sync-server/src/testing/testServer';
import { sealRecord, useRequest } from './fixtures';
import { replicaPool, setUpWorld, startSyncServer, syncAll, type Person, type RunningSync, type World } from './harness';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const loadFont = (): Promise<Uint8Array> => Promise.resolve(readFileSync(join(REPO_ROOT, 'node_modules/@embedpdf/fonts-sc/fonts/NotoSansHans-Bold.otf')));
const work = mkdtempSync(join(tmpdir(), 'sheet-scans-'));

let running: RunningSync;
let world: World;
let staff: Person;
let stranger: Person;
let auditor: Person;
const replicas = replicaPool(() => running.url);
const REQUEST_ID = 'req-sheet-01';
const OTHER_REQUEST_ID = 'req-sheet-02';

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  const otherSiteId = await createUnit(running.server, world.admin.cookie, world.otherBranchId, 'Other site', 'site');
  staff = await world.person(world.siteId, ['staff'], 'Site staff');
  const custodian = await world.person(world.siteId, ['custodian'], 'Site custodian');
  stranger = await world.person(otherSiteId, ['staff'], 'Staff elsewhere');
  auditor = await world.person(world.siteId, ['auditor'], 'Site auditor');
  const custody = await replicas.open(custodian, 'custody');
  const requester = await replicas.open(staff, 'requester');
  await custody.store.records.create('seal', sealRecord('seal-sheet', world.siteId, custodian.userId));
  await syncAll([custody, requester]);
  await requester.store.records.create('request', useRequest(REQUEST_ID, staff.userId, world.siteId, 'seal-sheet'));
  await requester.store.records.create('request', useRequest(OTHER_REQUEST_ID, staff.userId, world.siteId, 'seal-sheet'));
  await syncAll([requester]);
  await replicas.close(custody);
  await replicas.close(requester);
}, 120_000);
afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await running?.close();
});

const seal = sealAppearance({ kind: 'contract', name: 'Site 项目部合同专用章' }, 'Site 项目部');

/** The printed sheet, stamped and scanned turned by `turn` degrees: the PNG and its RGBA pixels. */
async function scannedSheet(requestId: string, turn: number): Promise<{ png: Uint8Array; pixels: { data: Uint8ClampedArray; width: number; height: number } }> {
  const printed = await PDFDocument.create();
  drawProcessSheet(printed, {
    requestId: asId(requestIdSchema, requestId), title: 'Subcontract 分包合同', sealName: 'Site 项目部合同专用章', unitName: 'Site 项目部',
    requester: 'Site staff', uses: 1, approvals: ['Approver 批准 2026-12-03'], printedAt: '2026-12-03', seal,
  }, await embedSealFont(printed, loadFont));
  const scan = await PDFDocument.create();
  const page = scan.addPage([680, 920]);
  const [sheet] = await scan.embedPdf(await printed.save());
  page.drawPage(sheet!, { x: 50, y: 30, rotate: degrees(turn) });
  drawSealOnPage(page, seal, await embedSealFont(scan, loadFont), { x: 300, y: 200 });
  writeFileSync(join(work, 'scan.pdf'), await scan.save());
  execFileSync('pdftoppm', ['-r', '100', '-singlefile', join(work, 'scan.pdf'), join(work, 'scan')]);
  execFileSync('pdftoppm', ['-png', '-r', '100', '-singlefile', join(work, 'scan.pdf'), join(work, 'scan')]);
  const ppm = readFileSync(join(work, 'scan.ppm'));
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 40).toString('latin1'))!;
  const [width, height] = [Number(header[1]), Number(header[2])];
  const rgb = ppm.subarray(header[0].length);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i += 1) data.set([rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!, 255], i * 4);
  return { png: readFileSync(join(work, 'scan.png')), pixels: { data, width, height } };
}

async function call(person: Person, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${running.url}${path}`, {
    method,
    headers: { cookie: person.cookie, 'sec-fetch-site': 'same-origin', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('a scanned process sheet', { timeout: 90_000 }, () => {
  it('is read from its pixels and filed to the request it was printed for', async () => {
    const { png, pixels } = await scannedSheet(REQUEST_ID, 3);
    const read = readProcessSheet(pixels);
    expect(read).toEqual({ ok: true, value: REQUEST_ID });
    const filed = await call(staff, 'POST', '/api/process-sheets/scans', { code: processSheetCode(asId(requestIdSchema, REQUEST_ID)), mime: 'image/png', data: toBase64Url(png), name: 'sheet.png' });
    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({ requestId: REQUEST_ID, sha256: toHex(await sha256(png)), size: png.length });

    // The request's readers get the fact about the request, and the bytes under it, whole.
    const reader = await replicas.open(staff, 'reader');
    await syncAll([reader]);
    const row = (await reader.store.db.rows.find({ selector: { kind: 'attachment' } }).exec()).map((d) => d.toJSON() as unknown).find((r) => (r as { id: string }).id === filed.body['factRowId']);
    expect(row).toMatchObject({ type: 'fact', kind: 'attachment', scopeUnitId: world.siteId, body: { about: `request:${REQUEST_ID}`, mime: 'image/png', size: png.length } });
    await replicas.close(reader);
    const sha = filed.body['sha256'] as string;
    const fact = encodeURIComponent(filed.body['factRowId'] as string);
    expect((await call(staff, 'GET', `/api/sync/blobs/${sha}?fact=${fact}`)).body).toMatchObject({ complete: true });
    const chunk = await call(staff, 'GET', `/api/sync/blobs/${sha}/chunks/0?fact=${fact}`);
    const first = fromBase64Url(chunk.body['data'] as string);
    expect(first.length).toBeGreaterThan(0);
    expect(Buffer.from(first).equals(png.subarray(0, first.length))).toBe(true);
  });

  it('is refused when its code names no recorded request', async () => {
    const { png, pixels } = await scannedSheet('req-never-made', -3);
    const read = readProcessSheet(pixels);
    expect(read).toEqual({ ok: true, value: 'req-never-made' });
    const refused = await call(staff, 'POST', '/api/process-sheets/scans', { code: processSheetCode(read.ok ? read.value : asId(requestIdSchema, 'x')), mime: 'image/png', data: toBase64Url(png) });
    expect(refused).toMatchObject({ status: 404, body: { error: 'unknown_request' } });
  });

  it("is refused to someone whose scope does not hold the request's unit", async () => {
    const refused = await call(stranger, 'POST', '/api/process-sheets/scans', { code: `SEALCTL:REQ:${REQUEST_ID}`, mime: 'image/png', data: toBase64Url(new Uint8Array([137, 80, 78, 71])) });
    expect(refused).toMatchObject({ status: 403, body: { error: 'out_of_scope' } });
  });

  it('is refused to an auditor of the request\'s own unit: auditors read, they do not file', async () => {
    const refused = await call(auditor, 'POST', '/api/process-sheets/scans', { code: `SEALCTL:REQ:${REQUEST_ID}`, mime: 'image/png', data: toBase64Url(new Uint8Array([137, 80, 78, 71])) });
    expect(refused).toMatchObject({ status: 403, body: { error: 'forbidden' } });
  });

  it("is refused when the image's own QR names another request than the code sent with it", async () => {
    const { png } = await scannedSheet(REQUEST_ID, 2);
    const claimed = await call(staff, 'POST', '/api/process-sheets/scans', { code: `SEALCTL:REQ:${OTHER_REQUEST_ID}`, mime: 'image/png', data: toBase64Url(png) });
    expect(claimed).toMatchObject({ status: 400, body: { error: 'code_mismatch' } });
    expect(claimed.body['message']).toContain(REQUEST_ID);
    const listed = await call(staff, 'GET', `/api/process-sheets/scans?request=${OTHER_REQUEST_ID}`);
    expect(listed).toMatchObject({ status: 200, body: { scans: [] } });
  });

  it('is refused when filed from another request than the one its sheet names', async () => {
    const { png } = await scannedSheet(REQUEST_ID, 1);
    const refused = await call(staff, 'POST', '/api/process-sheets/scans', { code: `SEALCTL:REQ:${REQUEST_ID}`, requestId: OTHER_REQUEST_ID, mime: 'image/png', data: toBase64Url(png) });
    expect(refused).toMatchObject({ status: 409, body: { error: 'wrong_request' } });
  });

  it('is refused with 400 when the file is not a PNG, or a PNG with no QR, and never answers 5xx', async () => {
    const cases: Uint8Array[] = [
      new TextEncoder().encode('%PDF-1.7 not an image at all'),
      new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]),
      new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70]),
      // A valid signature and header claiming 100000 × 100000 pixels.
      Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 1, 134, 160, 0, 1, 134, 160, 8, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 73, 69, 78, 68, 0, 0, 0, 0]),
    ];
    for (const bytes of cases) {
      const refused = await call(staff, 'POST', '/api/process-sheets/scans', { code: `SEALCTL:REQ:${REQUEST_ID}`, mime: 'image/png', data: toBase64Url(bytes) });
      expect(refused).toMatchObject({ status: 400, body: { error: 'not_an_image' } });
    }
    // A real PNG of a blank page: no QR in it.
    const blank = await PDFDocument.create();
    blank.addPage([200, 200]);
    writeFileSync(join(work, 'blank.pdf'), await blank.save());
    execFileSync('pdftoppm', ['-png', '-r', '50', '-singlefile', join(work, 'blank.pdf'), join(work, 'blank')]);
    const noQr = await call(staff, 'POST', '/api/process-sheets/scans', { code: `SEALCTL:REQ:${REQUEST_ID}`, mime: 'image/png', data: toBase64Url(readFileSync(join(work, 'blank.png'))) });
    expect(noQr).toMatchObject({ status: 400, body: { error: 'no_code_found' } });
    const jpeg = await call(staff, 'POST', '/api/process-sheets/scans', { code: `SEALCTL:REQ:${REQUEST_ID}`, mime: 'image/jpeg', data: 'AAAA' });
    expect(jpeg).toMatchObject({ status: 400, body: { error: 'invalid_body' } });
  });

  it('is listed on its request, its image served whole, found in the archive by an auditor, and audited once however often it is filed', async () => {
    const { png } = await scannedSheet(REQUEST_ID, -2);
    const first = await call(staff, 'POST', '/api/process-sheets/scans', { code: `SEALCTL:REQ:${REQUEST_ID}`, requestId: REQUEST_ID, mime: 'image/png', data: toBase64Url(png) });
    const again = await call(staff, 'POST', '/api/process-sheets/scans', { code: `SEALCTL:REQ:${REQUEST_ID}`, requestId: REQUEST_ID, mime: 'image/png', data: toBase64Url(png) });
    expect(first.status).toBe(201);
    expect(again.body['factRowId']).toBe(first.body['factRowId']);
    const listed = await call(staff, 'GET', `/api/process-sheets/scans?request=${REQUEST_ID}`);
    const scans = listed.body['scans'] as { id: string; filedByName: string; title: string }[];
    expect(scans.filter((s) => s.id === first.body['factRowId'])).toEqual([expect.objectContaining({ filedByName: 'Site staff', requestId: REQUEST_ID, code: `SEALCTL:REQ:${REQUEST_ID}` })]);
    const image = await fetch(`${running.url}/api/process-sheets/scans/${encodeURIComponent(first.body['factRowId'] as string)}/image`, { headers: { cookie: auditor.cookie, 'sec-fetch-site': 'same-origin' } });
    expect(image.status).toBe(200);
    expect(Buffer.from(await image.arrayBuffer()).equals(Buffer.from(png))).toBe(true);
    expect(await call(stranger, 'GET', `/api/process-sheets/scans?request=${REQUEST_ID}`)).toMatchObject({ status: 200, body: { scans: [] } });
    expect((await fetch(`${running.url}/api/process-sheets/scans/${encodeURIComponent(first.body['factRowId'] as string)}/image`, { headers: { cookie: stranger.cookie, 'sec-fetch-site': 'same-origin' } })).status).toBe(404);

    const audit = await call(world.admin, 'GET', '/api/audit?limit=200');
    const records = (audit.body['records'] as { action: string; after: { factRowId?: string } | null }[]).filter((r) => r.action === 'process_sheet.scan_filed' && r.after?.factRowId === first.body['factRowId']);
    expect(records).toHaveLength(1);

    const found = await call(auditor, 'GET', `/api/archive?code=${REQUEST_ID}&title=${encodeURIComponent('subcontract')}`);
    expect(found.status).toBe(200);
    expect((found.body['entries'] as { id: string }[]).map((e) => e.id)).toContain(first.body['factRowId']);
    expect((await call(auditor, 'GET', '/api/archive?title=no-such-title')).body).toMatchObject({ entries: [], total: 0 });
    expect((await call(staff, 'GET', '/api/archive')).status).toBe(403);
    expect((await call(world.admin, 'GET', '/api/archive?unit=nowhere')).status).toBe(404);
  });

  it('is refused when the QR is not a sheet\'s, and an unknown field is refused by the schema', async () => {
    const notSheet = await call(staff, 'POST', '/api/process-sheets/scans', { code: 'https://example.com/parcel/7', mime: 'image/png', data: 'AAAA' });
    expect(notSheet).toMatchObject({ status: 400, body: { error: 'not_a_sheet_code' } });
    const extra = await call(staff, 'POST', '/api/process-sheets/scans', { code: `SEALCTL:REQ:${REQUEST_ID}`, mime: 'image/png', data: 'AAAA', unit: 'x' });
    expect(extra).toMatchObject({ status: 400, body: { error: 'invalid_body' } });
  });
});
