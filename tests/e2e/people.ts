/**
 * People for browser tests: each on their own context (cookies) with their own virtual passkey
 * authenticator, set up or invited through the real UI, and a passkey signature made in the page.
 */
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import type { AssertionFields } from '@seal/shared';
import type { RunningServer } from './harness';
import { setupCodeFrom } from './setupCode';
import { addVirtualAuthenticator, type VirtualAuthenticator } from './virtualAuthenticator';

export type Locale = 'zh-CN' | 'en';

/** Someone with a browser of their own but no passkey authenticator (a passer-by, an impostor). */
export interface Visitor {
  readonly locale: Locale;
  readonly context: BrowserContext;
  readonly page: Page;
  readonly errors: string[];
}

export interface Person extends Visitor {
  readonly authenticator: VirtualAuthenticator & { readonly cdp: CDPSession };
}

/** What the setup and join screens say, in the language the person reads them in. */
const SCREEN_TEXT = {
  en: {
    organisation: 'Organisation name',
    name: 'Your name',
    setupCode: 'One-time setup code',
    finishSetup: 'Create passkey and finish setup',
    join: 'Create passkey and join',
    welcome: (name: string) => `Welcome, ${name}`,
  },
  'zh-CN': {
    organisation: '组织名称',
    name: '您的姓名',
    setupCode: '一次性设置码',
    finishSetup: '创建通行密钥并完成设置',
    join: '创建通行密钥并加入',
    welcome: (name: string) => `您好，${name}`,
  },
} as const satisfies Record<Locale, unknown>;

/** The API's expected refusals show up as console errors ("Failed to load resource: … 409"). */
const EXPECTED_REFUSAL = /^console\.error: Failed to load resource: the server responded with a status of (401|403|409|410|422) /;
/** A request in flight when a test cuts the network (the live sync stream, a push) fails with this. */
const NETWORK_CUT = /^console\.error: Failed to load resource: net::ERR_INTERNET_DISCONNECTED$/;

/**
 * The errors a page must not have: all of `errors` but the API's refusals a test provokes and,
 * when the test cut the network on purpose (`networkCut`), the requests that were in flight then.
 */
export function unexpectedErrors(errors: readonly string[], { networkCut = false } = {}): string[] {
  return errors.filter((e) => !EXPECTED_REFUSAL.test(e) && !(networkCut && NETWORK_CUT.test(e)));
}

/** Collects `page`'s uncaught exceptions and console errors into `errors`. */
export function watchErrors(page: Page, errors: string[]): Page {
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}${process.env.PAGE_ERROR_STACKS ? `\n${err.stack ?? ''}` : ''}`));
  page.on('console', (msg) => {
    // A refused request's message names no URL: the resource's is added, so a failure says which request it was.
    if (msg.type() === 'error') errors.push(`console.error: ${msg.text()}${/status of \d+/.test(msg.text()) && msg.location().url ? ` @ ${msg.location().url}` : ''}`);
  });
  return page;
}

/** A visitor on a fresh context at 1280×800, collecting the page's errors into `errors`. */
export async function newVisitor(browser: Browser, locale: Locale): Promise<Visitor> {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  const page = watchErrors(await context.newPage(), errors);
  return { locale, context, page, errors };
}

/** A person on a fresh context at 1280×800 with their own authenticator, collecting the page's errors into `errors`. */
export async function newPerson(browser: Browser, locale: Locale): Promise<Person> {
  const visitor = await newVisitor(browser, locale);
  return { ...visitor, authenticator: await addVirtualAuthenticator(visitor.page) };
}

/** `fetch` from inside the page: same origin, its session cookie, its Origin header. */
export async function pageFetch<T = unknown>(page: Page, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  return page.evaluate(
    async ({ path, body }) => {
      const response = await fetch(path, {
        method: body === undefined ? 'GET' : 'POST',
        credentials: 'same-origin',
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as never };
    },
    { path, body },
  );
}

export interface SessionUser {
  readonly id: string;
  readonly unitId: string;
  readonly credentialId: string;
}

export async function sessionOf(page: Page): Promise<SessionUser> {
  const { body } = await pageFetch<{ session: { user: { id: string; unitId: string }; credentialId: string } }>(page, '/api/auth/session');
  return { id: body.session.user.id, unitId: body.session.user.unitId, credentialId: body.session.credentialId };
}

/**
 * Types into the setup screen's form: the organisation's and the person's names, and the setup
 * code when given (left out, the caller types it, e.g. key by key).
 */
export async function fillSetupForm(visitor: Visitor, form: { organisation: string; name: string; setupCode?: string }): Promise<void> {
  const text = SCREEN_TEXT[visitor.locale];
  await visitor.page.getByLabel(text.organisation).fill(form.organisation);
  await visitor.page.getByLabel(text.name).fill(form.name);
  if (form.setupCode !== undefined) await visitor.page.getByLabel(text.setupCode).fill(form.setupCode);
}

/** Presses the setup screen's "create passkey and finish setup". */
export async function submitSetupForm(visitor: Visitor): Promise<void> {
  await visitor.page.getByRole('button', { name: SCREEN_TEXT[visitor.locale].finishSetup }).click();
}

/** Waits for home to welcome `name`: the end of a passkey ceremony, so up to 20 s. */
export async function waitForWelcome(visitor: Visitor, name: string): Promise<void> {
  await visitor.page.locator('main h1', { hasText: SCREEN_TEXT[visitor.locale].welcome(name) }).waitFor({ timeout: 20_000 });
}

/** The first administrator sets up the organisation through the setup screen. */
export async function setUpOrganisation(person: Person, serverUrl: string, setupCode: string, name: string): Promise<SessionUser> {
  await person.page.goto(`${serverUrl}/setup`);
  await fillSetupForm(person, { organisation: 'Huajian Group', name, setupCode });
  await submitSetupForm(person);
  await waitForWelcome(person, name);
  return sessionOf(person.page);
}

/** Opens an invitation link and waits for the join screen to show what the invitation is for. */
export async function openInvitation(invitee: Person, link: string): Promise<void> {
  await invitee.page.goto(link);
  await invitee.page.getByTestId('invitation-preview').waitFor();
}

/** On the join screen, showing an invitation: the invitee names themselves, creates their passkey and is welcomed. */
export async function joinAs(invitee: Person, name: string): Promise<void> {
  const text = SCREEN_TEXT[invitee.locale];
  await invitee.page.getByLabel(text.name).fill(name);
  await invitee.page.getByRole('button', { name: text.join }).click();
  await waitForWelcome(invitee, name);
}

/** The admin invites (API) and the invitee joins through the join screen with their own passkey. */
export async function invite(admin: Person, invitee: Person, serverUrl: string, unitId: string, roles: string[], name: string): Promise<SessionUser> {
  const created = await pageFetch<{ code: string }>(admin.page, '/api/invitations', { unitId, roles, note: name });
  if (created.status !== 201 && created.status !== 200) throw new Error(`invitation refused: ${JSON.stringify(created.body)}`);
  await openInvitation(invitee, `${serverUrl}/join?code=${created.body.code}`);
  await joinAs(invitee, name);
  return sessionOf(invitee.page);
}

/** A passkey assertion made in the page over `challenge` (bytes), with the session's passkey. */
export async function signInPage(page: Page, challenge: Uint8Array, credentialId: string): Promise<AssertionFields> {
  const fields: AssertionFields = await page.evaluate(
    async ({ challenge, credentialId }) => {
      const toBytes = (b64u: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(b64u.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
      const toB64u = (buffer: ArrayBuffer): string => btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      const credential = (await navigator.credentials.get({
        publicKey: { challenge: new Uint8Array(challenge), rpId: location.hostname, userVerification: 'required', allowCredentials: [{ type: 'public-key', id: toBytes(credentialId) }], timeout: 60_000 },
      })) as PublicKeyCredential;
      const response = credential.response as AuthenticatorAssertionResponse;
      return {
        credentialId: toB64u(credential.rawId),
        authenticatorData: toB64u(response.authenticatorData),
        clientDataJSON: toB64u(response.clientDataJSON),
        signature: toB64u(response.signature),
        ...(response.userHandle ? { userHandle: toB64u(response.userHandle) } : {}),
      };
    },
    { challenge: [...challenge], credentialId },
  );
  return fields;
}

export interface OrganisationWithSite {
  readonly admin: Person;
  readonly adminUser: SessionUser;
  readonly hqId: string;
  readonly siteId: string;
}

/** An administrator sets the organisation up through the UI and adds a site (with its geofence) under HQ. */
export async function organisationWithSite(
  browser: Browser,
  server: Pick<RunningServer, 'url' | 'output'>,
  names: { readonly admin: string; readonly site: string },
  geofence: { readonly lat: number; readonly lon: number; readonly radiusM: number },
  locale: Locale = 'en',
): Promise<OrganisationWithSite> {
  const admin = await newPerson(browser, locale);
  const adminUser = await setUpOrganisation(admin, server.url, setupCodeFrom(server.output()), names.admin);
  const site = await pageFetch<{ unit: { id: string } }>(admin.page, '/api/units', { name: names.site, kind: 'site', parentId: adminUser.unitId, geofence });
  if (site.status !== 201) throw new Error(`site refused: ${JSON.stringify(site.body)}`);
  return { admin, adminUser, hqId: adminUser.unitId, siteId: site.body.unit.id };
}
