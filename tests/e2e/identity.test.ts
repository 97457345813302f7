/**
 * Identity in real Chromium against the real sync-server, each person with their own virtual
 * passkey authenticator: first-start setup with the printed code, an invitation made and used
 * through the UI, sign-out and passkey sign-in, the passkeys screen, and a decision signed with
 * the approver's passkey that verifies on the server AND offline in a separate process that
 * holds only the signed roster and the org key.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertionChallenge, decisionPayload, sha256, toHex, useRequestSchema, type DecisionPayload } from '@seal/shared';
import { launchBrowser, REPO_ROOT, startServer, type RunningServer } from './harness';
import {
  fillSetupForm,
  joinAs,
  newPerson,
  newVisitor,
  openInvitation,
  pageFetch,
  sessionOf,
  signInPage,
  submitSetupForm,
  unexpectedErrors,
  watchErrors,
  type Locale,
  type Person,
  type Visitor,
} from './people';
import { setupCodeFrom } from './setupCode';
import { createOn } from './virtualAuthenticator';

let server: RunningServer | undefined;
let browser: Browser | undefined;
let tempDir: string | undefined;
/** Everyone the tests brought in: their contexts close after the run, their pages' errors are checked after each test. */
const visitors: Visitor[] = [];

/** State the steps hand on to each other (the tests of this file run in order). */
const state: {
  setupCode?: string;
  admin?: Person;
  stale?: Visitor;
  approver?: Person;
  joinLink?: string;
  approverId?: string;
  adminId?: string;
  hqUnitId?: string;
} = {};

beforeAll(async () => {
  server = await startServer({ AUTH_RATE_LIMIT: '500' });
  browser = await launchBrowser();
  tempDir = await mkdtemp(join(tmpdir(), 'seal-identity-'));
});

afterEach(() => {
  // One test cuts the network on purpose; requests in flight then fail, nothing else may.
  const errors = unexpectedErrors(visitors.flatMap((v) => v.errors.splice(0)), { networkCut: true });
  expect(errors, 'errors in the page').toEqual([]);
});

afterAll(async () => {
  const closed = await Promise.allSettled([...visitors.splice(0).map((v) => v.context.close())]);
  const results = await Promise.allSettled([browser?.close()]);
  const stopped = await Promise.allSettled([server?.stop(), tempDir ? rm(tempDir, { recursive: true, force: true }) : undefined]);
  for (const r of [...closed, ...results, ...stopped]) if (r.status === 'rejected') throw r.reason;
});

/** A person on their own browser context (own cookies) with their own passkey authenticator, closed after the run. */
async function person(locale: Locale): Promise<Person> {
  const p = await newPerson(browser!, locale);
  visitors.push(p);
  return p;
}

/** Someone on their own browser context without a passkey authenticator, closed after the run. */
async function visitor(locale: Locale): Promise<Visitor> {
  const v = await newVisitor(browser!, locale);
  visitors.push(v);
  return v;
}

const heading = (page: Page) => page.locator('main h1');
const alertCode = (page: Page) => page.locator('main [role="alert"]').first().getAttribute('data-error-code');

interface OfflineVerdict {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs tests/e2e/verifyDecisionOffline.ts in its own Node process on one input file. */
async function verifyOffline(name: string, input: unknown): Promise<OfflineVerdict> {
  const file = join(tempDir!, `${name}.json`);
  await writeFile(file, JSON.stringify(input));
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/e2e/verifyDecisionOffline.ts', file], {
    cwd: REPO_ROOT,
    // Only what a Node process needs to start; in particular no server URL: it verifies offline.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  return { code, stdout, stderr };
}

describe('identity with passkeys', () => {
  it('the first administrator sets up the organisation with the printed code and a passkey, and is signed in', async () => {
    state.setupCode = setupCodeFrom(server!.output());
    // Someone else opens the setup screen too, before the administrator finishes (used below).
    state.stale = await visitor('en');
    await state.stale.page.goto(`${server!.url}/setup`);
    await expect.poll(() => heading(state.stale!.page).textContent()).toBe('Set up the organisation');

    const admin = await person('zh-CN');
    state.admin = admin;
    const { page } = admin;
    await page.goto(server!.url);
    await expect.poll(() => heading(page).textContent()).toBe('本机上还没有设置组织');
    await page.getByRole('link', { name: '开始设置' }).click();
    await expect.poll(() => heading(page).textContent()).toBe('设置组织');

    await fillSetupForm(admin, { organisation: '华建集团', name: '王管理' });
    // A wrong code, typed in lower case without dashes: formatted as it is typed, refused by the server.
    await page.getByLabel('一次性设置码').pressSequentially('abcdefghjkmnpqrstvwx');
    expect(await page.getByLabel('一次性设置码').inputValue()).toBe('ABCD-EFGH-JKMN-PQRS-TVWX');
    await submitSetupForm(admin);
    await expect.poll(() => alertCode(page)).toBe('setup_code_invalid');
    expect(await page.locator('main [role="alert"]').textContent()).toContain('设置码不正确');
    expect(await admin.authenticator.credentials()).toHaveLength(0);

    // The printed code, pasted as people paste: lower case, spaces instead of dashes.
    await page.getByLabel('一次性设置码').fill(state.setupCode.toLowerCase().replaceAll('-', ' '));
    expect(await page.getByLabel('一次性设置码').inputValue()).toBe(state.setupCode);
    await submitSetupForm(admin);

    await expect.poll(() => heading(page).textContent(), { timeout: 20_000 }).toBe('您好，王管理');
    expect(new URL(page.url()).pathname).toBe('/');
    await expect.poll(() => page.locator('main .badge').first().textContent()).toBe('系统管理员 · 华建集团');
    expect(await page.getByTestId('account').textContent()).toContain('王管理');
    const passkeys = await admin.authenticator.credentials();
    expect(passkeys).toHaveLength(1);
    expect(passkeys[0]!.isResidentCredential).toBe(true);

    expect((await pageFetch<{ state: string }>(page, '/api/setup')).body.state).toBe('done');
    const { status, body } = await pageFetch<{ session: { user: { id: string; unitId: string; grants: { role: string }[] } } }>(page, '/api/auth/session');
    expect(status).toBe(200);
    expect(body.session.user.grants.map((g) => g.role)).toEqual(['admin']);
    state.adminId = body.session.user.id;
    state.hqUnitId = body.session.user.unitId;
  });

  it('refuses the setup code a second time, with a clear message', async () => {
    const stale = state.stale!;
    const { page } = stale;
    await fillSetupForm(stale, { organisation: 'Impostor Ltd', name: 'Mallory', setupCode: state.setupCode! });
    await submitSetupForm(stale);
    await expect.poll(() => alertCode(page)).toBe('setup_already_done');
    expect(await page.locator('main [role="alert"]').textContent()).toBe(
      'The organisation is already set up, so this setup code no longer works. Sign in with a passkey instead.',
    );
    await page.getByRole('link', { name: 'Go to sign-in' }).click();
    await expect.poll(() => heading(page).textContent()).toBe('Sign in');
    // An ordinary signed-out visitor: the app asks who is signed in and is told "nobody", not 401.
    expect(await pageFetch(page, '/api/auth/session')).toEqual({ status: 200, body: { session: null } });
    expect(await page.getByTestId('session-ended').count()).toBe(0);

    // Opened afresh, the setup screen says setup is over instead of offering the form.
    await page.goto(`${server!.url}/setup`);
    await expect.poll(() => heading(page).textContent()).toBe('The organisation is already set up');
  });

  it('a browser whose session cookie no longer opens a session is told, once, that its session ended', async () => {
    const { context, page } = state.stale!;
    // The app's page is left first: a request it made in the background after the cookie was set
    // would be the one told (in a page about to go), and the server clears the dead cookie then.
    await page.goto('about:blank');
    // A session that ended meanwhile (expired, or ended elsewhere) looks the same to the browser.
    await context.addCookies([{ name: 'sealctl_session', value: 'a-session-that-has-ended', url: server!.url, httpOnly: true, sameSite: 'Strict' }]);
    await page.goto(server!.url);
    await expect.poll(() => heading(page).textContent()).toBe('Sign in with a passkey');
    await expect.poll(() => page.getByTestId('session-ended').textContent()).toMatch(/^Your session has ended/);
    // The server cleared the dead cookie: the next visit is an ordinary signed-out one.
    expect((await context.cookies()).filter((c) => c.name === 'sealctl_session')).toEqual([]);
    await page.reload();
    await expect.poll(() => heading(page).textContent()).toBe('Sign in with a passkey');
    expect(await page.getByTestId('session-ended').count()).toBe(0);
  });

  it('the administrator adds a site with a geofence', async () => {
    const { page } = state.admin!;
    await page.locator('main').getByRole('link', { name: /组织单位/ }).click();
    await expect.poll(() => heading(page).textContent()).toBe('组织单位');
    await expect.poll(() => page.locator('[data-testid="unit-tree"] li').count()).toBe(1);

    await page.getByLabel('名称').fill('三号项目部');
    await page.getByLabel('纬度').fill('31.2304');
    await page.getByRole('button', { name: '添加单位' }).click();
    await expect.poll(() => alertCode(page)).toBe('geofence_incomplete');

    await page.getByLabel('经度').fill('121.4737');
    await page.getByLabel('半径（米）').fill('300');
    await page.getByRole('button', { name: '添加单位' }).click();
    await expect.poll(() => page.locator('[data-testid="unit-tree"] li').count()).toBe(2);
    const site = page.locator('[data-testid="unit-tree"] li[data-kind="site"]');
    expect(await site.textContent()).toContain('三号项目部');
    expect(await site.textContent()).toContain('围栏 31.23040, 121.47370 · 半径 300 米');
  });

  it('the administrator invites an approver to headquarters through the UI', async () => {
    const { page } = state.admin!;
    await page.goto(`${server!.url}/admin/invitations`);
    await expect.poll(() => heading(page).textContent()).toBe('邀请成员');
    await expect.poll(() => page.locator('#invitation-unit option').count()).toBe(2);
    await page.getByLabel('单位').selectOption(state.hqUnitId!);

    await page.getByRole('button', { name: '生成邀请' }).click();
    await expect.poll(() => alertCode(page)).toBe('roles_missing');

    await page.getByLabel('审批人').check();
    await page.getByLabel('备注').fill('李审批，总部');
    await page.getByRole('button', { name: '生成邀请' }).click();
    const created = page.getByTestId('created-invitation');
    await created.waitFor();
    const code = (await page.getByTestId('invitation-code').textContent())!;
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
    state.joinLink = (await page.getByTestId('invitation-link').textContent())!;
    expect(state.joinLink).toBe(`${server!.url}/join?code=${code}`);
    expect(await created.textContent()).toContain('审批人 · 华建集团');

    const open = page.getByTestId('open-invitations').locator('li.card');
    await expect.poll(() => open.count()).toBe(1);
    expect(await open.textContent()).toContain('李审批，总部');
  });

  it('the invitee opens the link, registers their own passkey, signs out and signs in again', async () => {
    const approver = await person('en');
    state.approver = approver;
    const { page } = approver;
    await openInvitation(approver, state.joinLink!);
    const preview = page.getByTestId('invitation-preview');
    expect(await preview.textContent()).toContain('华建集团');
    // Where the unit sits: its kind and its path from headquarters (here, headquarters itself).
    expect(await preview.getByTestId('invitation-path').textContent()).toBe('Headquarters华建集团');
    expect(await preview.locator('.badge').allTextContents()).toEqual(['Approver']);

    await joinAs(approver, 'Li Approver');
    expect(await heading(page).textContent()).toBe('Welcome, Li Approver');
    await expect.poll(() => page.locator('main .badge').allTextContents()).toEqual(['Approver · 华建集团']);
    expect(await approver.authenticator.credentials()).toHaveLength(1);
    // The two people's passkeys live on their own authenticators.
    expect(await state.admin!.authenticator.credentials()).toHaveLength(1);
    state.approverId = (await sessionOf(page)).id;
    expect(state.approverId).not.toBe(state.adminId);

    // Sign out from the header: the server session ends too, and the cookie goes.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => heading(page).textContent()).toBe('Sign in with a passkey');
    expect(await pageFetch(page, '/api/auth/session')).toEqual({ status: 200, body: { session: null } });
    expect(await page.getByTestId('account').count()).toBe(0);
    // Signed out by choice: no "your session ended", and a reload logs no error at all.
    const errorsBefore = approver.errors.length;
    await page.reload();
    await expect.poll(() => heading(page).textContent()).toBe('Sign in with a passkey');
    expect(await page.getByTestId('session-ended').count()).toBe(0);
    expect(approver.errors.slice(errorsBefore)).toEqual([]);

    // Sign in again with the passkey (discoverable: no user name asked).
    await page.getByRole('link', { name: 'Sign in with a passkey' }).click();
    await expect.poll(() => heading(page).textContent()).toBe('Sign in');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect.poll(() => heading(page).textContent(), { timeout: 20_000 }).toBe('Welcome, Li Approver');
    expect(await page.getByTestId('account').textContent()).toContain('Li Approver');

    // The invitation is used up: the same link now says so.
    await page.goto(state.joinLink!);
    await expect.poll(() => alertCode(page)).toBe('invitation_used');
    expect(await page.locator('main [role="alert"]').textContent()).toContain('already used');
  });

  it('the passkeys screen lists the passkey and refuses to revoke the last one', async () => {
    const { page } = state.approver!;
    await page.goto(`${server!.url}/passkeys`);
    await expect.poll(() => heading(page).textContent()).toBe('My passkeys');
    const cards = page.locator('main li.passkey');
    await expect.poll(() => cards.count()).toBe(1);
    const [held] = await state.approver!.authenticator.credentials();
    const card = cards.first();
    expect(await card.getAttribute('data-credential-id')).toBe(held!.credentialId.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
    expect(await card.locator('.passkey-label').textContent()).toMatch(/^Linux · Chrom/);
    const text = await card.textContent();
    expect(text).toContain('Used for this sign-in');
    expect(text).toContain('Last sign-in');

    await card.getByRole('button', { name: 'Revoke' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Revoke passkey' }).click();
    await expect.poll(() => dialog.locator('[role="alert"]').getAttribute('data-error-code')).toBe('last_passkey');
    expect(await dialog.locator('[role="alert"]').textContent()).toBe('This is your only active passkey, so it cannot be revoked. Add another passkey first.');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect((await pageFetch(page, '/api/auth/session')).status).toBe(200);

    // The same authenticator cannot hold a second passkey for the same account.
    await page.getByLabel('Name', { exact: true }).fill('Same laptop again');
    await page.getByRole('button', { name: 'Add passkey' }).click();
    await expect.poll(() => alertCode(page)).toBe('passkey_exists');
  });

  it('an administrator adds a passkey from a second device and revokes it', async () => {
    const admin = state.admin!;
    const { page } = admin;
    // Device 1 goes away (its passkey stays registered); device 2 arrives.
    const first = admin.authenticator;
    await first.remove();
    state.admin = { ...admin, authenticator: await createOn(first.cdp) };
    await page.goto(`${server!.url}/passkeys`);
    await expect.poll(() => heading(page).textContent()).toBe('我的通行密钥');
    await page.getByLabel('名称').fill('工地平板');
    await page.getByRole('button', { name: '添加通行密钥' }).click();
    await expect.poll(() => page.locator('main li.passkey').count()).toBe(2);
    await expect.poll(() => page.locator('main .alert-ok').textContent()).toBe('已添加“工地平板”。');

    const second = page.locator('main li.passkey', { hasText: '工地平板' });
    await second.getByRole('button', { name: '吊销' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '吊销通行密钥' }).click();
    await expect.poll(() => second.getAttribute('class')).toContain('is-revoked');
    expect(await second.textContent()).toContain('已于');
    // Still signed in: the revoked passkey was not this session's.
    expect((await pageFetch(page, '/api/auth/session')).status).toBe(200);
  });

  it('offline, the installed app still shows who signed in last on this device, and says so', async () => {
    const { context, errors } = state.approver!;
    // A fresh tab of the same browser profile: the person's page carries a second CDP session (the
    // virtual authenticator), and with it Chromium reports navigator.onLine = true while offline.
    const page = watchErrors(await context.newPage(), errors);
    await page.goto(server!.url);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
    await context.setOffline(true);
    try {
      await page.reload();
      await expect.poll(() => heading(page).textContent()).toBe('Welcome, Li Approver');
      expect(await page.locator('main .note-warn').textContent()).toContain('Offline: showing who last signed in on this device');
      // Nothing that needs the server pretends to work: the passkeys screen says there is no network.
      await page.getByRole('link', { name: /My passkeys/ }).click();
      await expect.poll(() => alertCode(page)).toBe('offline');
    } finally {
      await context.setOffline(false);
    }
    await page.goto(server!.url);
    await expect.poll(() => page.locator('main .note-warn').count()).toBe(0);
    await page.close();
  });

  it('the signed-in screens fit a 360px phone: no horizontal scroll, touch targets ≥ 44px', async () => {
    const { page } = state.admin!;
    await page.setViewportSize({ width: 360, height: 740 });
    for (const [path, title] of [
      ['/', '您好，王管理'],
      ['/passkeys', '我的通行密钥'],
      ['/admin/invitations', '邀请成员'],
      ['/admin/units', '组织单位'],
    ] as const) {
      await page.goto(`${server!.url}${path}`);
      await expect.poll(() => heading(page).textContent()).toBe(title);
      await page.locator('main .loading').waitFor({ state: 'detached' });
      const layout = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
        targets: [...document.querySelectorAll<HTMLElement>('button, a')]
          .filter((el) => el.offsetParent !== null)
          .map((el) => ({ text: el.textContent, width: el.getBoundingClientRect().width, height: el.getBoundingClientRect().height })),
      }));
      expect(layout.scrollWidth, path).toBeLessThanOrEqual(layout.clientWidth);
      for (const target of layout.targets) {
        expect(Math.min(target.width, target.height), `${path}: touch target "${target.text}"`).toBeGreaterThanOrEqual(44);
      }
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it("a decision signed with the approver's passkey verifies on the server and offline", async () => {
    const { page } = state.approver!;
    const session = await sessionOf(page);
    const now = Date.now();
    const request = useRequestSchema.parse({
      id: 'req-e2e-0001',
      requesterId: state.adminId,
      unitId: state.hqUnitId,
      sealId: 'seal-hq-contract',
      document: { title: 'Supply contract', sha256: toHex(await sha256(new TextEncoder().encode('the contract PDF'))), pages: 3 },
      copies: 2,
      purpose: 'Sign a supply contract',
      usesRequested: 2,
      window: { notBefore: now, notAfter: now + 86_400_000 },
      place: { unitId: state.hqUnitId },
      createdAt: now,
    });
    const payload = decisionPayload(request, 'approve');
    // The challenge is the SHA-256 of the payload's RFC 8785 canonical JSON, passed in as BYTES.
    const assertion = await signInPage(page, await assertionChallenge(payload), session.credentialId);

    // (a) The server verifies it against its roster and names the signer.
    const verified = await pageFetch<{ verified: boolean; verdict: string; signer: { user: { id: string }; credentialId: string } }>(page, '/api/decisions/verify', {
      payload,
      assertion,
    });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    expect(verified.body.verified).toBe(true);
    expect(verified.body.verdict).toBe('approve');
    expect(verified.body.signer.user.id).toBe(state.approverId);
    expect(verified.body.signer.credentialId).toBe(session.credentialId);

    const tampered: DecisionPayload = { ...payload, uses: payload.uses + 1 };
    const refused = await pageFetch<{ error: string }>(page, '/api/decisions/verify', { payload: tampered, assertion });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toBe('challenge_mismatch');

    // (b) A separate process with only the signed roster and the org public key verifies it offline.
    type SignedRosterBody = { roster: { version: number; users: { displayName: string }[]; units: unknown[] }; signature: string };
    const signedRoster = (await pageFetch<SignedRosterBody>(page, '/api/roster')).body;
    const orgKey = (await pageFetch<{ publicJwk: unknown }>(page, '/api/org-key')).body;
    const good = await verifyOffline('decision', { signedRoster, orgPublicJwk: orgKey.publicJwk, payload, assertion });
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout.trim()).toBe(state.approverId);

    // One byte of the payload changed (a hex digit of the document hash): refused.
    const digit = payload.documentSha256[0] === '0' ? '1' : '0';
    const changedDocument = { ...payload, documentSha256: digit + payload.documentSha256.slice(1) };
    const badPayload = await verifyOffline('decision-bad-payload', { signedRoster, orgPublicJwk: orgKey.publicJwk, payload: changedDocument, assertion });
    expect(badPayload.code).not.toBe(0);
    expect(badPayload.stderr).toMatch(/^challenge_mismatch: /);
    expect(badPayload.stdout).toBe('');

    // A roster altered after signing (a name changed): refused before the assertion is looked at.
    const altered = structuredClone(signedRoster);
    altered.roster.users[0]!.displayName += ' (edited)';
    const badRoster = await verifyOffline('decision-bad-roster', { signedRoster: altered, orgPublicJwk: orgKey.publicJwk, payload, assertion });
    expect(badRoster.code).not.toBe(0);
    expect(badRoster.stderr).toMatch(/^bad_signature: /);
    expect(badRoster.stdout).toBe('');

    // The signed roster carries the unit tree, the site's geofence included: the offline verifier
    // judges the signer's scope with it.
    expect(signedRoster.roster.units).toEqual(expect.arrayContaining([
      { id: state.hqUnitId, parentId: null, kind: 'hq' },
      expect.objectContaining({ parentId: state.hqUnitId, kind: 'site', geofence: { lat: 31.2304, lon: 121.4737, radiusM: 300 } }),
    ]));
    // The administrator narrows the approver to the site: in the newer roster the same signature
    // carries no authority over headquarters, offline as on the server.
    const admin = state.admin!.page;
    const units = (await pageFetch<{ units: { id: string; kind: string }[] }>(admin, '/api/units')).body.units;
    const siteId = units.find((u) => u.kind === 'site')!.id;
    expect((await pageFetch(admin, `/api/users/${state.approverId}/grants`, { role: 'approver', unitId: siteId })).status).toBe(200);
    expect((await pageFetch(admin, `/api/users/${state.approverId}/grants/revoke`, { role: 'approver', unitId: state.hqUnitId })).status).toBe(200);
    const narrowed = (await pageFetch<SignedRosterBody>(page, '/api/roster')).body;
    expect(narrowed.roster.version).toBeGreaterThan(signedRoster.roster.version);
    const outOfScope = await verifyOffline('decision-out-of-scope', { signedRoster: narrowed, orgPublicJwk: orgKey.publicJwk, payload, assertion });
    expect(outOfScope.code, outOfScope.stderr).toBe(1);
    expect(outOfScope.stderr).toMatch(/^signer_out_of_scope: /);
    expect(outOfScope.stdout).toBe('');
    expect(await pageFetch(page, '/api/decisions/verify', { payload, assertion })).toMatchObject({ status: 422, body: { error: 'signer_out_of_scope' } });
  });

  it('signed out without a network, the session ends once the network is back: relaunched online, nobody is signed in', async () => {
    const { context, errors } = state.approver!;
    const page = watchErrors(await context.newPage(), errors);
    await page.goto(server!.url);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
    await expect.poll(() => heading(page).textContent()).toBe('Welcome, Li Approver');
    const cookie = (await context.cookies()).filter((c) => c.name.endsWith('sealctl_session')).map((c) => `${c.name}=${c.value}`).join('; ');
    expect(cookie).not.toBe('');
    await context.setOffline(true);
    try {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await expect.poll(() => heading(page).textContent()).toBe('Sign in with a passkey');
    } finally {
      await context.setOffline(false);
    }
    // Relaunched with the network back: the sign-out is finished before anything else.
    await page.reload();
    await expect.poll(() => heading(page).textContent()).toBe('Sign in with a passkey');
    await expect.poll(async () => (await fetch(`${server!.url}/api/auth/session`, { headers: { cookie } })).status).toBe(401);
    expect(await pageFetch(page, '/api/auth/session')).toEqual({ status: 200, body: { session: null } });
    await page.close();
  });
});
