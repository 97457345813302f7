/**
 * Headquarters, end to end, in real Chromium against the real sync-server (a child process
 * serving the built app). A history is seeded over HTTP in seconds (hqJourneyWorld.ts): a real
 * stamp with its photo made on a reference device, then three presses on the locked seal (a
 * burst of refusals: an anomaly the test plants, not the detector), and beside it a generated
 * history with planted tamper and over-use anomalies. An auditor then, through the screens only:
 * signs in with a passkey; filters the merged log (the address carries the filters, a reload keeps
 * them) and downloads its CSV, which holds exactly the rows shown; pages the whole log; opens the
 * stamp and sees every piece of its evidence verified; exports its bundle, which the CLI verifier
 * — another process holding only the organisation's public key — accepts; has /hq/verify,
 * offline, accept it and reject a copy with one photo byte changed; scans for anomalies and
 * resolves the burst's case with a note that a reload keeps; downloads the PDF report, which
 * renders (pdftoppm, screenshots/hq-report-page1.png) with its Chinese text (pdftotext).
 *
 * Screenshots of the HQ screens in both languages on three devices: SEAL_SCREENSHOTS=1 (README).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './harness';
import { seedHqJourney, NAMES, type HqJourneyWorld } from './hqJourneyWorld';
import { shootHqScreens } from './hqScreenshots';
import { joinAs, newPerson, openInvitation, unexpectedErrors, watchErrors, type Person } from './people';
import { serverAndBrowser } from './suite';

const run = promisify(execFile);
const suite = serverAndBrowser();
const SHOTS = join(REPO_ROOT, 'screenshots');
let world: HqJourneyWorld;
let auditor: Person;
let dir: string;
let exported: string;

const heading = (page: Page) => page.locator('main h1').first();
const rowIds = (page: Page): Promise<string[]> => page.locator('[data-testid="hq-event"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-event-id') ?? ''));
const chinaTime = (ms: number): string => new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Asia/Shanghai' }).format(ms);
const chinaDay = (ms: number): string => new Intl.DateTimeFormat('en', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'Asia/Shanghai' }).format(ms);
/** A moment as the kept note says it: its time on the day it is in China, else its date before it (a view fetched at 23:59 is read after midnight). */
const chinaMoment = (ms: number, now: number): string => (chinaDay(ms) === chinaDay(now) ? chinaTime(ms) : `${chinaDay(ms)} ${chinaTime(ms)}`);
const rowKinds = (page: Page): Promise<string[]> => page.locator('[data-testid="hq-event"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind') ?? ''));

/** A CSV line split on commas outside quotes (the export quotes fields that hold commas or quotes). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted && c === '"' && line[i + 1] === '"') { field += '"'; i++; }
    else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) { fields.push(field); field = ''; }
    else field += c;
  }
  fields.push(field);
  return fields;
}

/** Clicks what starts a download and reads the file that arrives. */
async function downloaded(page: Page, testId: string): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId(testId).click()]);
  return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) };
}

beforeAll(async () => {
  world = await seedHqJourney(suite.server());
  dir = await mkdtemp(join(tmpdir(), 'hq-journey-'));
  await mkdir(SHOTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('headquarters, end to end: an auditor audits a real history', () => {
  it('the auditor joins with a new passkey, signs out, and signs in again with it', async () => {
    auditor = await newPerson(suite.browser(), 'en');
    const { page } = auditor;
    await openInvitation(auditor, `${suite.server().url}/join?code=${world.auditorInvitation}`);
    await joinAs(auditor, NAMES.auditor);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => heading(page).textContent(), { timeout: 30_000 }).toBe('Sign in with a passkey');
    await page.getByRole('link', { name: 'Sign in with a passkey' }).click();
    await expect.poll(() => heading(page).textContent(), { timeout: 30_000 }).toBe('Sign in');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect.poll(() => heading(page).textContent(), { timeout: 20_000 }).toBe(`Welcome, ${NAMES.auditor}`);
    expect(await auditor.authenticator.credentials()).toHaveLength(1);
  });

  it('filters the merged log by site and kinds: the address carries them, a reload keeps them, and the CSV holds the rows shown', async () => {
    const { page } = auditor;
    await page.getByRole('link', { name: /Headquarters/ }).first().click();
    await page.waitForURL(/\/hq$/);
    await page.getByTestId('hq-event').first().waitFor({ timeout: 30_000 });

    await page.locator(`#hq-unit option[value="${world.siteA}"]`).waitFor({ state: 'attached', timeout: 30_000 });
    await page.selectOption('#hq-unit', world.siteA);
    await page.locator('.hq-kinds summary').click();
    await page.getByRole('checkbox', { name: 'Stamp', exact: true }).check();
    await page.getByRole('checkbox', { name: 'Refused by device', exact: true }).check();
    await page.waitForURL((url) => url.searchParams.get('unit') === world.siteA && url.searchParams.get('kind') === 'stamp,refusal');
    // What the seeding made at site A: one stamp, then three refusals (newest first: the refusals).
    const expected = [...world.seeded.refusals.map((seq) => `${world.deviceId}:${seq}`).reverse(), world.seeded.honest].map((id) => `fact:device_event:${id}`);
    await expect.poll(() => page.getByTestId('hq-total').textContent(), { timeout: 30_000 }).toBe('4 events');
    expect(await rowKinds(page)).toEqual(['refusal', 'refusal', 'refusal', 'stamp']);
    const shownIds = await rowIds(page);
    expect(shownIds).toEqual(expected);
    expect(new Set(await page.getByTestId('hq-event-unit').allTextContents())).toEqual(new Set([NAMES.siteA]));
    expect(new Set(await page.getByTestId('hq-event-device').allTextContents())).toEqual(new Set([world.deviceId]));
    await expect.poll(() => page.getByTestId('hq-event-seal').first().textContent(), { timeout: 30_000 }).toBe(NAMES.seal);
    // The stamp names its request by the document's title, not its id.
    await expect.poll(() => page.locator('[data-kind="stamp"] [data-testid="hq-event-request"]').textContent(), { timeout: 30_000 }).toContain('分包合同 Subcontract');

    const shared = page.url();
    await page.reload();
    await expect.poll(() => page.getByTestId('hq-total').textContent(), { timeout: 30_000 }).toBe('4 events');
    expect(page.url()).toBe(shared);
    expect(await rowIds(page)).toEqual(shownIds);
    await expect.poll(() => page.locator('#hq-unit').inputValue(), { timeout: 15_000 }).toBe(world.siteA);
    expect(await page.getByRole('checkbox', { name: 'Refused by device', exact: true }).isChecked()).toBe(true);

    // The CSV: UTF-8 with a BOM, bilingual headers, and exactly the rows the log shows, in its order.
    const csv = await downloaded(page, 'hq-csv');
    expect(csv.bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = csv.bytes.toString('utf8').slice(1).split('\r\n').filter((l) => l !== '');
    const header = csvFields(lines[0]!);
    expect(header).toEqual(['时间 Time (UTC+8)', '事件 Event', '事件代码 Event code', '单位 Unit', '单位名称 Unit name', '印章 Seal', '设备 Device', '申请 Request', '人员 People', '摘要 Summary', '事件编号 Event id']);
    const rows = lines.slice(1).map(csvFields);
    expect(rows.map((r) => r[header.indexOf('事件编号 Event id')])).toEqual(shownIds);
    expect(rows.map((r) => r[header.indexOf('事件代码 Event code')])).toEqual(['refusal', 'refusal', 'refusal', 'stamp']);
    expect(new Set(rows.map((r) => r[header.indexOf('单位名称 Unit name')]))).toEqual(new Set([NAMES.siteA]));
    expect(rows.map((r) => r[header.indexOf('事件 Event')])).toEqual(['拒绝开锁', '拒绝开锁', '拒绝开锁', '用印']);
  });

  it('pages through the whole log, 50 at a time, newest first, each event once', async () => {
    const { page } = auditor;
    await page.goto(`${suite.server().url}/hq`);
    await expect.poll(() => page.getByTestId('hq-total').textContent(), { timeout: 30_000 }).toMatch(/^\d+ events$/);
    const total = Number(/^(\d+)/.exec((await page.getByTestId('hq-total').textContent())!)![1]);
    expect(total).toBeGreaterThan(100);
    while ((await page.getByTestId('hq-load-more').count()) > 0) {
      const before = (await rowIds(page)).length;
      await page.getByTestId('hq-load-more').click();
      await expect.poll(async () => (await rowIds(page)).length, { timeout: 30_000 }).toBeGreaterThan(before);
    }
    const ids = await rowIds(page);
    expect([ids.length, new Set(ids).size]).toEqual([total, total]);
    const times = await page.locator('[data-testid="hq-event"] time').evaluateAll((ts) => ts.map((t) => Date.parse(t.getAttribute('datetime') ?? '')));
    expect(times.every((t, i) => i === 0 || t <= times[i - 1]!)).toBe(true);
    expect(await page.getByTestId('hq-shown').textContent()).toBe(`${total} of ${total} shown`);
  });

  it('reads the last views again offline, and when the server cannot be reached, each labelled with the time it was fetched', async () => {
    // A fresh tab of the same profile: the first page carries the virtual authenticator's CDP
    // session, and with it Chromium reports navigator.onLine = true while offline.
    const tab = watchErrors(await auditor.context.newPage(), auditor.errors);
    try {
      await tab.goto(`${suite.server().url}/hq?unit=${world.siteA}&kind=stamp,refusal`);
      await expect.poll(() => tab.getByTestId('hq-total').textContent(), { timeout: 30_000 }).toBe('4 events');
      const shown = await rowIds(tab);
      await tab.getByRole('link', { name: 'Dashboard' }).click();
      await tab.waitForURL((url) => url.pathname === '/hq/dashboard' && url.searchParams.get('unit') === world.siteA);
      await expect.poll(() => tab.getByTestId('chart-per-day-summary').textContent(), { timeout: 30_000 }).toMatch(/^1 in all/);
      await tab.goBack();
      await tab.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
      await expect.poll(() => tab.getByTestId('hq-total').textContent(), { timeout: 30_000 }).toBe('4 events');
      const fetchedAt = await tab.evaluate(() => Date.now());
      await auditor.context.setOffline(true);
      try {
        await tab.reload();
        const kept = tab.getByTestId('hq-kept');
        await kept.waitFor({ timeout: 30_000 });
        const keptAt = Number(await kept.getAttribute('data-fetched-at'));
        expect(Math.abs(keptAt - fetchedAt)).toBeLessThan(60_000);
        const said = await kept.textContent();
        expect([`Shown as of ${chinaMoment(keptAt, Date.now())} (China time), you are offline.`, `Shown as of ${chinaMoment(keptAt, keptAt)} (China time), you are offline.`]).toContain(said);
        expect(await rowIds(tab)).toEqual(shown);
      } finally {
        await auditor.context.setOffline(false);
      }
      // Online, but the server does not answer headquarters' queries: the dashboard kept for this scope.
      await tab.route('**/api/hq/**', (route) => route.abort('connectionclosed'));
      try {
        await tab.getByRole('link', { name: 'Dashboard' }).click();
        await expect.poll(() => tab.getByTestId('hq-kept').textContent(), { timeout: 30_000 }).toMatch(/: the server cannot be reached\.$/);
        const dashboardAt = Number(await tab.getByTestId('hq-kept').getAttribute('data-fetched-at'));
        expect([chinaMoment(dashboardAt, Date.now()), chinaMoment(dashboardAt, dashboardAt)].map((m) => `Shown as of ${m} (China time): the server cannot be reached.`)).toContain(await tab.getByTestId('hq-kept').textContent());
        expect(await tab.getByTestId('chart-per-day-summary').textContent()).toMatch(/^1 in all/);
      } finally {
        await tab.unrouteAll();
      }
    } finally {
      await tab.close();
    }
  });

  it('opens the stamp from the log and sees each piece of its evidence verified, then exports its bundle, which the CLI accepts with only the organisation key', async () => {
    const { page } = auditor;
    await page.goto(`${suite.server().url}/hq?unit=${world.siteA}&kind=stamp`);
    await page.getByTestId('hq-event-evidence').click();
    await page.waitForURL((url) => decodeURIComponent(url.pathname) === `/hq/stamps/${world.seeded.honest}`);
    await expect.poll(() => page.getByTestId('evidence-verdict').getAttribute('data-valid'), { timeout: 30_000 }).toBe('true');
    for (const piece of ['photo', 'device', 'grant', 'request', 'approvals', 'place', 'clock', 'organisation']) {
      expect([piece, await page.getByTestId(`evidence-${piece}`).getAttribute('data-verdict')]).toEqual([piece, 'ok']);
    }
    for (const check of ['stamp.photo', 'log.chain', 'stamp.grant', 'records.request', 'decision.assertion', 'decision.revoked_since', 'stamp.place', 'stamp.clock', 'bundle.attestation']) {
      const verdicts = await page.locator(`[data-testid="evidence-check"][data-check="${check}"]`).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-verdict')));
      expect([check, verdicts.length > 0 && verdicts.every((v) => v === 'ok')]).toEqual([check, true]);
    }
    expect(await page.locator('[data-check="decision.assertion"] .check-sentence').first().textContent()).toBe("The approver's passkey signed these terms and this decision.");
    expect(await page.getByTestId('document-hash').first().textContent()).toBe(world.documentSha256);
    expect(await page.getByTestId('evidence-approval').first().textContent()).toContain(NAMES.approver);
    expect(await page.getByTestId('stamp-photo').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);

    const bundle = await downloaded(page, 'export-bundle');
    expect(bundle.name).toBe(`evidence-stamp-${world.seeded.honest.replace(/[^A-Za-z0-9._-]/g, '-')}.json`);
    exported = bundle.bytes.toString('utf8');
    // The verifier outside: a process of its own, given the bundle and the organisation's public key alone.
    await writeFile(join(dir, 'org-public-key.jwk.json'), JSON.stringify(world.seeded.orgPublicJwk));
    await writeFile(join(dir, 'bundle.json'), bundle.bytes);
    const { stdout } = await run(join(REPO_ROOT, 'node_modules/.bin/tsx'), [join(REPO_ROOT, 'scripts/verify-bundle.ts'), 'verify', join(dir, 'bundle.json'), '--org-key', join(dir, 'org-public-key.jwk.json')], { cwd: REPO_ROOT });
    expect(stdout).toMatch(/^VALID: all \d+ checks hold$/m);
    for (const check of ['log.chain', 'grant.terms', 'decision.assertion', 'stamp.photo', 'stamp.place', 'stamp.clock']) expect(stdout).toMatch(new RegExp(`^PASS {2}${check.replace('.', '\\.')} `, 'm'));
  });

  it('/hq/verify, offline, accepts the bundle and rejects one with a changed photo byte, naming the check', async () => {
    const { page, context } = auditor;
    await page.goto(`${suite.server().url}/hq/verify`);
    await page.getByTestId('org-key-thumbprint').waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
    await context.setOffline(true);
    try {
      await page.reload();
      await page.getByTestId('org-key-thumbprint').waitFor({ timeout: 30_000 });
      await page.locator('#verify-file').setInputFiles({ name: 'evidence.json', mimeType: 'application/json', buffer: Buffer.from(exported) });
      await expect.poll(() => page.getByTestId('verify-result').getAttribute('data-valid'), { timeout: 30_000 }).toBe('true');

      const changed = JSON.parse(exported) as { stamps: { photo: { bytes: string } }[] };
      const bytes = Buffer.from(changed.stamps[0]!.photo.bytes, 'base64url');
      bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x01;
      changed.stamps[0]!.photo.bytes = bytes.toString('base64url');
      await page.locator('#verify-file').setInputFiles({ name: 'evidence-changed.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(changed)) });
      await expect.poll(() => page.getByTestId('verify-result').getAttribute('data-valid'), { timeout: 30_000 }).toBe('false');
      expect(await page.locator('[data-testid="verify-result"] [data-check="stamp.photo"]').first().getAttribute('data-verdict')).toBe('failed');
      expect(await page.locator('[data-testid="verify-result"] [data-testid="failed-checks"]').textContent()).toContain('Photo');
    } finally {
      await context.setOffline(false);
    }
  });

  it('scans for anomalies: the planted ones are cases; resolves the refusal burst with a note, which a reload keeps', async () => {
    const { page } = auditor;
    await page.goto(`${suite.server().url}/hq/cases`);
    await page.getByTestId('cases-total').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Scan for anomalies' }).click();
    await expect.poll(() => page.getByTestId('scan-status').textContent(), { timeout: 60_000 }).toMatch(/^Scan finished: \d+ new cases? opened\.$/);
    const listed = await page.locator('[data-testid="cases-list"] li').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')));
    for (const kind of [...world.plantedKinds, 'refusal_burst']) expect(listed).toContain(kind);

    // The kind filter lives in the address; at site A, the only anomaly is the planted burst.
    await page.locator('#cases-kind').selectOption('tamper');
    await expect.poll(() => new URL(page.url()).searchParams.get('kind'), { timeout: 30_000 }).toBe('tamper');
    await expect.poll(() => page.locator('[data-testid="cases-list"] li').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind'))), { timeout: 30_000 }).toEqual(['tamper']);
    await page.goto(`${suite.server().url}/hq/cases?unit=${world.siteA}`);
    await expect.poll(() => page.locator('[data-testid="cases-list"] li').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind'))), { timeout: 30_000 }).toEqual(['refusal_burst']);
    await page.locator('[data-testid="cases-list"] li').first().getByRole('link').first().click();
    await expect.poll(() => page.getByTestId('case-status').textContent(), { timeout: 30_000 }).toBe('Open');
    const evidence = await page.getByTestId('case-evidence').textContent();
    for (const seq of world.seeded.refusals) expect(evidence).toContain(`${world.deviceId}:${seq}`);
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(() => page.getByTestId('case-status').textContent(), { timeout: 30_000 }).toBe('Acknowledged');
    expect(await page.getByTestId('case-history').textContent()).toContain(`acknowledged by ${NAMES.auditor}`);

    const resolve = page.getByRole('button', { name: 'Resolve' });
    await page.locator('#case-note').fill('   ');
    expect(await resolve.isDisabled()).toBe(true);
    expect(await page.getByTestId('note-needed').textContent()).toBe('Write a note first: a case is never resolved without one.');
    const note = '现场核查：保管员误按已上锁的印章三次。The custodian pressed the locked seal three times.';
    await page.locator('#case-note').fill(note);
    await resolve.click();
    await expect.poll(() => page.getByTestId('case-status').textContent(), { timeout: 30_000 }).toBe('Resolved');
    await page.reload();
    await expect.poll(() => page.getByTestId('case-status').textContent(), { timeout: 30_000 }).toBe('Resolved');
    expect(await page.getByTestId('case-resolution').textContent()).toContain(note);
    // Names come from the signed roster, checked after a reload beside the case's own load: the
    // person's name replaces their id once it is in (a full suite's load can order them either way).
    await expect.poll(() => page.getByTestId('case-resolution').textContent(), { timeout: 30_000 }).toContain(`resolved by ${NAMES.auditor}`);
  });

  it('downloads the PDF report from the dashboard: it renders, with its Chinese text', async () => {
    const { page } = auditor;
    // The cases still open (all but the resolved burst), as the exception queue lists them.
    await page.goto(`${suite.server().url}/hq/cases`);
    await page.getByTestId('cases-total').waitFor({ timeout: 30_000 });
    const statuses = await page.locator('[data-testid="cases-list"] li').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
    expect(await page.getByTestId('cases-total').textContent()).toMatch(new RegExp(`^${statuses.length}\\b`));
    const stillOpen = statuses.filter((s) => s !== 'resolved').length;
    expect(stillOpen).toBe(statuses.length - 1);
    await page.goto(`${suite.server().url}/hq/dashboard`);
    await page.getByTestId('hq-dashboard').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('chart-per-day-summary').textContent()).toMatch(/^1 in all/);
    // By unit: the units right under the scope (HQ's one branch), each with the stamps of its subtree.
    expect(await page.locator('[data-testid="chart-by-unit"] tbody th').allTextContents()).toEqual([NAMES.branch]);
    expect(await page.locator('[data-testid="chart-per-day-canvas"] canvas').count()).toBe(1);
    // Each chart's data table opens from the keyboard; the fleet lists the seeded device with its seal.
    await page.locator('[data-testid="chart-by-seal-kind"] summary').focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="chart-by-seal-kind"] table').waitFor();
    const fleetRow = page.locator('[data-testid="hq-fleet"] tbody tr', { hasText: world.deviceId });
    expect(await fleetRow.textContent()).toContain(NAMES.seal);
    const pdf = await downloaded(page, 'report-pdf');
    expect(pdf.name).toMatch(/\.pdf$/);
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    await writeFile(join(dir, 'report.pdf'), pdf.bytes);
    const { stdout: text } = await run('pdftotext', ['-layout', join(dir, 'report.pdf'), '-']);
    expect(text).toContain(NAMES.organisation);
    // By unit as on the dashboard: the organisation's report counts under its children (the branch holding site A).
    expect(text).toMatch(new RegExp(`${NAMES.branch}\\s+1\\b`));
    expect(text).toMatch(/用印次数 Stamps\s+1\b/);
    // Its open cases are the exception queue's: the planted tamper and over-use among them, the resolved burst not.
    expect(text).toMatch(new RegExp(`未结案件 Open cases\\s+${stillOpen}\\b`));
    expect(text).toContain('篡改 tamper');
    expect(text).toContain('超次用印');
    // The burst happened in the period (an anomaly of its kind), but is no open case any more.
    const openCasesSection = text.slice(text.lastIndexOf('未结案件 Open cases'));
    expect(text.slice(0, text.lastIndexOf('未结案件 Open cases'))).toMatch(/连续拒绝开锁 refusal burst\s+1\b/);
    expect(openCasesSection).toContain('篡改 tamper');
    expect(openCasesSection).not.toContain('连续拒绝开锁');
    await run('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', join(dir, 'report.pdf'), join(SHOTS, 'hq-report-page1')]);
    expect((await readFile(join(SHOTS, 'hq-report-page1.png'))).subarray(1, 4).toString()).toBe('PNG');
    // The HQ queries the offline step cut (it closed their connections) are the only errors allowed.
    const cut = /^console\.error: Failed to load resource: net::ERR_CONNECTION_CLOSED$/;
    expect(unexpectedErrors(auditor.errors, { networkCut: true }).filter((e) => !cut.test(e))).toEqual([]);
  });

  it.runIf(process.env.SEAL_SCREENSHOTS === '1')('looks right in both languages on a laptop, a tablet upright and a phone (screenshots/hq-*.png)', async () => {
    await shootHqScreens(suite.browser(), suite.server(), auditor, world);
  }, 600_000);
});
