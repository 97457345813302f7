/**
 * A scan built to make the server's QR search slow — random black-and-white noise of the largest
 * size a scan may be (4000 × 3000), full of finder-pattern look-alikes: seconds of jsQR's search —
 * is read on the scan reader's own thread and cut off there (after `SCAN_READ_MS`, 3 s of work): the
 * filer gets 422 scan_too_complex (never 5xx), and the server's other routes answer meanwhile. A second scan from the same person
 * while one is read is refused (429 scan_busy). An honest scan at 300 dpi (the sheet turned 3°
 * on a larger page, a red seal stamped on it: 2833 × 3833 pixels) still reads and is filed.
 *
 * The bounds asserted are deliberately generous (a loaded 2-core machine): a probe route answers
 * within 2 s while the noise is read (it took ~5 s of the server's own thread before the reader
 * had one), and the noise is answered within 60 s (the reader's 3 s of work, a thread's start, a busy machine). That the
 * reading is cut off, whatever the machine's speed, is tests/unit/scanReader.test.ts's.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { degrees, PDFDocument } from '@cantoo/pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asId, drawProcessSheet, drawSealOnPage, embedSealFont, requestIdSchema, sealAppearance, toBase64Url } from '@seal/shared';
import { noisePng } from '../noisePng';
import { useRequest, sealRecord } from './fixtures';
import { replicaPool, setUpWorld, startSyncServer, syncAll, type Person, type RunningSync } from './harness';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const loadFont = (): Promise<Uint8Array> => Promise.resolve(readFileSync(join(REPO_ROOT, 'node_modules/@embedpdf/fonts-sc/fonts/NotoSansHans-Bold.otf')));
const work = mkdtempSync(join(tmpdir(), 'sheet-hostile-'));
const REQUEST_ID = 'req-hostile-01';
const CODE = `SEALCTL:REQ:${REQUEST_ID}`;

let running: RunningSync;
let staff: Person;
let other: Person;
const replicas = replicaPool(() => running.url);

beforeAll(async () => {
  running = await startSyncServer();
  const world = await setUpWorld(running.server);
  staff = await world.person(world.siteId, ['staff'], 'Site staff');
  other = await world.person(world.siteId, ['staff'], 'Other staff');
  const custodian = await world.person(world.siteId, ['custodian'], 'Site custodian');
  const custody = await replicas.open(custodian, 'custody');
  const requester = await replicas.open(staff, 'requester');
  await custody.store.records.create('seal', sealRecord('seal-hostile', world.siteId, custodian.userId));
  await syncAll([custody, requester]);
  await requester.store.records.create('request', useRequest(REQUEST_ID, staff.userId, world.siteId, 'seal-hostile'));
  await syncAll([requester]);
  await replicas.close(custody);
  await replicas.close(requester);
}, 120_000);
afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await running?.close();
});

async function post(person: Person, png: Uint8Array): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${running.url}/api/process-sheets/scans`, {
    method: 'POST',
    headers: { cookie: person.cookie, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' },
    body: JSON.stringify({ code: CODE, mime: 'image/png', data: toBase64Url(png) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/**
 * Asks another route again and again until `until` settles, pausing 50 ms between asks; how many
 * were answered before it settled. The test and the server share one event loop: a scan searched
 * on the server's thread holds every ask until it ends (one answered at most), while a scan read on
 * its own thread leaves them answered all along.
 */
async function answeredMeanwhile(person: Person, until: Promise<unknown>): Promise<number> {
  let settled = false;
  void until.finally(() => (settled = true));
  let answered = 0;
  while (!settled) {
    const res = await fetch(`${running.url}/api/units`, { headers: { cookie: person.cookie, 'sec-fetch-site': 'same-origin' } });
    expect(res.status).toBe(200);
    if (!settled) answered += 1;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return answered;
}

/** The request's sheet, turned 3° on a larger page with a seal stamped on it, scanned at 300 dpi in colour. */
async function scanAt300Dpi(): Promise<Uint8Array> {
  const printed = await PDFDocument.create();
  const seal = sealAppearance({ kind: 'contract', name: 'Site 项目部合同专用章' }, 'Site 项目部');
  drawProcessSheet(printed, {
    requestId: asId(requestIdSchema, REQUEST_ID), title: 'Subcontract 分包合同', sealName: 'Site 项目部合同专用章', unitName: 'Site 项目部',
    requester: 'Site staff', uses: 1, approvals: ['Approver 批准 2026-12-07'], printedAt: '2026-12-07', seal,
  }, await embedSealFont(printed, loadFont));
  const scan = await PDFDocument.create();
  const page = scan.addPage([680, 920]);
  const [sheet] = await scan.embedPdf(await printed.save());
  page.drawPage(sheet!, { x: 50, y: 30, rotate: degrees(3) });
  drawSealOnPage(page, seal, await embedSealFont(scan, loadFont), { x: 300, y: 200 });
  writeFileSync(join(work, 'scan.pdf'), await scan.save());
  execFileSync('pdftoppm', ['-png', '-r', '300', '-singlefile', join(work, 'scan.pdf'), join(work, 'scan')]);
  return readFileSync(join(work, 'scan.png'));
}

describe('a hostile scan', { timeout: 120_000 }, () => {
  it('of noise at the largest size is cut off on its own thread (422), while the server answers others', async () => {
    const noise = noisePng(4000, 3000);
    const scan = post(staff, noise);
    const answered = await answeredMeanwhile(other, scan);
    // Cut off (422) on this machine (over 5 s of work against the reader's 3 s); a much faster
    // one might finish the search (400 no_code_found). Either way a 4xx, and the server answered.
    expect(['422 scan_too_complex', '400 no_code_found']).toContain(`${(await scan).status} ${String((await scan).body['error'])}`);
    // Seconds of search on the reader's thread: the server went on answering meanwhile.
    expect(answered).toBeGreaterThanOrEqual(5);
  });

  it('is one at a time per person: a second while one is read is refused (429), never 5xx', async () => {
    const noise = noisePng(2000, 1500);
    const answers = await Promise.all([post(staff, noise), post(staff, noise)]);
    expect(answers.map((a) => a.status).sort()).toEqual([expect.any(Number), 429]);
    expect(answers.find((a) => a.status === 429)?.body).toMatchObject({ error: 'scan_busy' });
    expect([400, 422]).toContain(answers.find((a) => a.status !== 429)?.status);
  });

  it('does not stop an honest scan at 300 dpi from being read and filed', async () => {
    const png = await scanAt300Dpi();
    const filed = await post(staff, png);
    expect(filed).toMatchObject({ status: 201, body: { requestId: REQUEST_ID, size: png.length } });
  });
});
