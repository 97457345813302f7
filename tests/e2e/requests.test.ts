/**
 * Seal requests and passkey approvals in real Chromium with real WebAuthn (virtual
 * authenticators): staff at a site apply through the form (once while offline: the request waits
 * on the tablet and goes up when the network returns); an approver at HQ finds it in /approvals
 * and approves with their passkey over the request's terms; the grant is assembled and reaches the
 * staff member's /stamp screen. A second request is rejected with a reason. An approver never
 * finds their own request to decide, and withdraws it. The server holds every request, decision,
 * grant and cancellation, and refused none of them.
 */
import { describe, expect, it } from 'vitest';
import { useRequestSchema, type UseRequest } from '@seal/shared';
import { pageFetch, unexpectedErrors } from './people';
import { replicaOf } from './replicas';
import { fillRequestForm, SEAL_ID, setUpRequestWorld, sha256Hex, SITE_FENCE, submitRequestForm } from './requestWorld';
import { serverAndBrowser } from './suite';

const suite = serverAndBrowser();

interface PulledRow {
  readonly id: string;
  readonly type: 'fact' | 'change';
  readonly kind: string;
  readonly subject: string;
  readonly body?: Record<string, unknown>;
}

describe('seal requests and passkey approvals', () => {
  it('applies (offline once), approves with a passkey, issues the grant to /stamp, rejects with a reason', async () => {
    const world = await setUpRequestWorld(suite.browser(), suite.server(), { admin: 'Wang Admin', approver: 'Li Approver', staff: 'Zhao Staff', site: 'Site 3', seal: 'Site 3 contract seal' });
    const { staff, approver } = world;
    const url = suite.server().url;
    const contract = { fileName: 'supply-contract.pdf', fileText: '%PDF-1.7 steel supply contract', pages: 3, copies: 2, purpose: 'Sign the steel supply contract', uses: 2 };

    // The staff member applies while the site has no network: the request waits on the tablet.
    await staff.page.goto(`${url}/requests`);
    await staff.page.getByRole('link', { name: 'New request' }).click();
    await staff.page.locator('main h1', { hasText: 'New seal request' }).waitFor();
    // The tablet synced the site's seal before leaving for the site.
    await staff.page.locator(`#request-seal option[value="${SEAL_ID}"]`).waitFor({ state: 'attached', timeout: 30_000 });
    await staff.context.setOffline(true);
    await staff.page.locator('.offline-banner').waitFor();
    await fillRequestForm(staff.page, { ...contract, purpose: '' });
    expect(await staff.page.locator('#request-title').inputValue()).toBe('supply-contract.pdf');
    // The place defaults to the site, and the geofence to the site's.
    expect(await staff.page.locator('#request-fence-radius').inputValue()).toBe(String(SITE_FENCE.radiusM));
    expect(Number(await staff.page.locator('#request-fence-lat').inputValue())).toBe(SITE_FENCE.lat);
    // Checked with the shared schema, and said by field.
    await staff.page.locator('.request-form button[type="submit"]').click();
    await staff.page.locator('.field-problem[data-field="purpose"]', { hasText: 'Say what the seal is for' }).waitFor();
    expect(await staff.page.locator('.field-problem').count()).toBe(1);
    // The field with the problem takes the focus (so it is in view, not the words 1,000 px above
    // the button), and its words go once it is changed.
    await expect.poll(() => staff.page.evaluate(() => document.activeElement?.id)).toBe('request-purpose');
    await staff.page.locator('#request-purpose').fill(contract.purpose);
    expect(await staff.page.locator('.field-problem').count()).toBe(0);
    const firstId = await submitRequestForm(staff.page);
    await staff.page.locator('main [role="status"]', { hasText: 'Request kept on this device' }).waitFor();
    expect(await staff.page.getByTestId('request-status').textContent()).toBe('Awaiting approval');
    expect(await staff.page.getByTestId('request-waiting').textContent()).toBe('Waiting to sync');
    expect(Number(await staff.page.locator('.sync-status').getAttribute('data-pending'))).toBeGreaterThan(0);
    await staff.page.getByRole('link', { name: 'Back to my requests' }).click();
    await staff.page.locator(`[data-testid="my-requests"] li[data-request-id="${firstId}"] [data-testid="request-waiting"]`).waitFor();
    // Back online, it goes up.
    await staff.context.setOffline(false);
    await staff.page.locator(`[data-testid="my-requests"] li[data-request-id="${firstId}"] [data-testid="request-waiting"]`).waitFor({ state: 'detached', timeout: 30_000 });
    await expect.poll(() => staff.page.locator('.sync-status').getAttribute('data-pending'), { timeout: 30_000 }).toBe('0');

    // The approver finds it in the inbox, reads the signed terms and approves with their passkey.
    await approver.page.goto(`${url}/`);
    await approver.page.locator('main').getByRole('link', { name: /Approvals/ }).click();
    const waitingFirst = approver.page.locator(`[data-testid="awaiting-decision"] li[data-request-id="${firstId}"]`);
    await waitingFirst.waitFor({ timeout: 30_000 });
    await expect.poll(() => waitingFirst.textContent(), { timeout: 30_000 }).toContain('Requested by Zhao Staff');
    await waitingFirst.getByRole('link').click();
    expect(await approver.page.getByTestId('terms-sha256').textContent()).toBe(sha256Hex(contract.fileText));
    expect(await approver.page.getByTestId('terms-uses').textContent()).toBe('2');
    await approver.page.getByRole('button', { name: 'Approve with passkey' }).click();
    await approver.page.locator('[data-testid="my-verdict"][data-verdict="approve"]').waitFor({ timeout: 20_000 });
    await expect.poll(() => approver.page.getByTestId('request-status').textContent()).toBe('Approved');
    await approver.page.getByTestId('grant-issued').waitFor();

    // The staff member sees it approved, by whom, and the grant on /stamp.
    await staff.page.goto(`${url}/requests/${firstId}`);
    await expect.poll(() => staff.page.getByTestId('request-status').textContent(), { timeout: 30_000 }).toBe('Approved');
    const decision = staff.page.locator('[data-testid="decision"][data-verdict="approve"]');
    await expect.poll(() => decision.textContent(), { timeout: 30_000 }).toContain('Li Approver');
    await staff.page.getByTestId('grant-issued').waitFor({ timeout: 30_000 });
    await staff.page.getByRole('link', { name: 'Go to stamping' }).click();
    const listed = staff.page.locator(`[data-testid="my-grants"] li[data-request-id="${firstId}"]`);
    await listed.waitFor({ timeout: 30_000 });
    // Named by the document and purpose, and the seal by its name.
    expect(await listed.textContent()).toContain('supply-contract.pdf · Sign the steel supply contract');
    expect(await listed.textContent()).toContain('Site 3 contract seal');
    await listed.getByRole('button', { name: 'Use this grant' }).waitFor();

    // A second request, online this time: the approver rejects it, with a reason.
    await staff.page.goto(`${url}/requests/new`);
    await fillRequestForm(staff.page, { fileName: 'old-lease.pdf', fileText: '%PDF-1.7 lease, superseded draft', pages: 1, copies: 1, purpose: 'Lease for the site office', uses: 1 });
    const secondId = await submitRequestForm(staff.page);
    await approver.page.goto(`${url}/approvals`);
    const waitingSecond = approver.page.locator(`[data-testid="awaiting-decision"] li[data-request-id="${secondId}"]`);
    await waitingSecond.waitFor({ timeout: 30_000 });
    await waitingSecond.getByRole('link').click();
    await approver.page.getByRole('button', { name: 'Reject with passkey' }).click();
    await approver.page.locator('.field-problem[data-field="comment"]', { hasText: 'Say why you reject' }).waitFor();
    await approver.page.locator('#decision-comment').fill('Superseded draft: attach the signed version');
    await approver.page.getByRole('button', { name: 'Reject with passkey' }).click();
    await approver.page.locator('[data-testid="my-verdict"][data-verdict="reject"]').waitFor({ timeout: 20_000 });
    await approver.page.goto(`${url}/approvals`);
    await approver.page.locator(`[data-testid="decided-by-me"] li[data-request-id="${secondId}"][data-status="rejected"]`).waitFor();
    await approver.page.locator(`[data-testid="decided-by-me"] li[data-request-id="${firstId}"][data-status="approved"]`).waitFor();
    expect(await approver.page.locator('[data-testid="awaiting-decision"]').count()).toBe(0);
    await staff.page.goto(`${url}/requests/${secondId}`);
    await expect.poll(() => staff.page.getByTestId('request-status').textContent(), { timeout: 30_000 }).toBe('Rejected');
    expect(await staff.page.locator('[data-testid="decision"][data-verdict="reject"]').textContent()).toContain('Comment: Superseded draft: attach the signed version');
    expect(await staff.page.getByTestId('grant-panel').count()).toBe(0);

    // The approver's own request (they may also apply): listed as theirs, never in their inbox.
    const now = Date.now();
    const own: UseRequest = useRequestSchema.parse({
      id: 'req-approver-own', requesterId: world.approverUser.id, unitId: world.hqId, sealId: SEAL_ID,
      document: { title: 'HQ framework agreement', sha256: sha256Hex('framework'), pages: 5 }, copies: 1, purpose: 'Framework agreement', usesRequested: 1,
      window: { notBefore: now, notAfter: now + 86_400_000 }, place: { unitId: world.siteId, geofence: SITE_FENCE }, createdAt: now,
    });
    const approverTablet = await replicaOf(suite.server(), approver, world.approverUser.id, 'e2e-approver-own');
    try {
      await approverTablet.store.records.create('request', own);
      await approverTablet.start({ live: false }).awaitInSync();
      expect(approverTablet.store.status.get().refusals).toEqual([]);
    } finally {
      await approverTablet.close();
    }
    await approver.page.goto(`${url}/requests`);
    await approver.page.locator(`[data-testid="my-requests"] li[data-request-id="${own.id}"][data-status="pending"]`).waitFor({ timeout: 30_000 });
    await approver.page.goto(`${url}/approvals`);
    // First a sign that the inbox is judged with the directory loaded (an approval counts only with
    // its approver known), so that the request's absence below means something.
    await approver.page.locator(`[data-testid="decided-by-me"] li[data-request-id="${firstId}"][data-status="approved"]`).waitFor({ timeout: 30_000 });
    expect(await approver.page.locator(`li[data-request-id="${own.id}"]`).count()).toBe(0);
    expect(await approver.page.getByText('Nothing is waiting for your decision.').count()).toBe(1);
    await approver.page.goto(`${url}/requests/${own.id}`);
    await approver.page.getByText('This is your own request: another approver must decide it.').waitFor();
    expect(await approver.page.getByRole('button', { name: 'Approve with passkey' }).count()).toBe(0);
    // As its requester they may withdraw it, with a reason.
    await approver.page.getByRole('button', { name: 'Withdraw request' }).click();
    const dialog = approver.page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Withdraw' }).click();
    await dialog.getByText('Give a reason.').waitFor();
    await dialog.getByLabel('Reason for withdrawing').fill('Agreement postponed');
    await dialog.getByRole('button', { name: 'Withdraw' }).click();
    await expect.poll(() => approver.page.getByTestId('request-status').textContent()).toBe('Cancelled');
    expect(await approver.page.getByRole('button', { name: 'Withdraw request' }).count()).toBe(0);

    // The server holds the requests, both decisions and one grant (whoever assembled it), and refused nothing.
    await expect.poll(() => staff.page.locator('.sync-status').getAttribute('data-pending'), { timeout: 30_000 }).toBe('0');
    await expect.poll(() => approver.page.locator('.sync-status').getAttribute('data-pending'), { timeout: 30_000 }).toBe('0');
    const pulled = await pageFetch<{ rows: PulledRow[] }>(world.admin.page, '/api/sync/pull?since=0&limit=500');
    const about = (requestId: string, kind: string) => pulled.body.rows.filter((r) => r.subject === `request:${requestId}` && r.kind === kind);
    expect(about(firstId, 'request').length).toBeGreaterThan(0);
    expect(about(secondId, 'request').length).toBeGreaterThan(0);
    expect(about(own.id, 'request').length).toBeGreaterThan(0);
    expect(about(firstId, 'decision').map((r) => (r.body!.payload as { verdict: string }).verdict)).toEqual(['approve']);
    expect(about(secondId, 'decision').map((r) => (r.body!.payload as { verdict: string }).verdict)).toEqual(['reject']);
    expect(about(firstId, 'grant')).toHaveLength(1);
    expect(about(firstId, 'grant')[0]!.body).toMatchObject({ holderId: world.staffUser.id, deviceId: 'dev-site3-0001', uses: 2, geofence: SITE_FENCE });
    expect(about(secondId, 'grant')).toEqual([]);
    expect(about(own.id, 'cancellation').map((r) => r.body!.reason)).toEqual(['Agreement postponed']);
    expect(pulled.body.rows.filter((r) => r.kind === 'alarm')).toEqual([]);
    for (const page of [staff.page, approver.page]) expect(await page.locator('.sync-status').getAttribute('data-refused')).toBe('0');

    // The screens fit a 360px phone: no horizontal scroll, touch targets of 44px at least.
    for (const [page, path] of [
      [staff.page, '/requests'], [staff.page, '/requests/new'], [staff.page, `/requests/${firstId}`], [approver.page, '/approvals'], [approver.page, `/requests/${secondId}`],
    ] as const) {
      await page.setViewportSize({ width: 360, height: 740 });
      await page.goto(`${url}${path}`);
      await page.locator('main h1').waitFor();
      await page.locator('main .card, main form, main .terms').first().waitFor();
      const layout = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
        targets: [...document.querySelectorAll<HTMLElement>('main button, main a, main label.button, main input, main select, main textarea')]
          .filter((el) => el.offsetParent !== null && !el.classList.contains('visually-hidden'))
          .map((el) => ({ text: el.textContent || el.id, width: el.getBoundingClientRect().width, height: el.getBoundingClientRect().height })),
      }));
      expect(layout.scrollWidth, path).toBeLessThanOrEqual(layout.clientWidth);
      for (const target of layout.targets) expect(Math.min(target.width, target.height), `${path}: touch target "${target.text}"`).toBeGreaterThanOrEqual(44);
    }

    // The staff member's tablet went offline on purpose: a request in flight then may have failed.
    expect(unexpectedErrors(staff.errors, { networkCut: true })).toEqual([]);
    expect(unexpectedErrors(approver.errors)).toEqual([]);
    expect(unexpectedErrors(world.admin.errors)).toEqual([]);
  });
});
