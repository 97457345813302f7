/**
 * People for browser tests: each on their own context (cookies) with their own virtual passkey
 * authenticator, set up or invited through the real UI, and a passkey signature made in the page.
 */
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import type { AssertionFields } from '@seal/shared';
import { addVirtualAuthenticator, type VirtualAuthenticator } from './virtualAuthenticator';

export interface Person {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly authenticator: VirtualAuthenticator & { readonly cdp: CDPSession };
  readonly errors: string[];
}

/** A person on a fresh context at 1280×800, collecting the page's errors into `errors`. */
export async function newPerson(browser: Browser, locale: 'zh-CN' | 'en'): Promise<Person> {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console.error: ${msg.text()}`);
  });
  return { context, page, authenticator: await addVirtualAuthenticator(page), errors };
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

/** The first administrator sets up the organisation through the English setup screen. */
export async function setUpOrganisation(person: Person, serverUrl: string, setupCode: string, name: string): Promise<SessionUser> {
  const { page } = person;
  await page.goto(`${serverUrl}/setup`);
  await page.getByLabel('Organisation name').fill('Huajian Group');
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('One-time setup code').fill(setupCode);
  await page.getByRole('button', { name: 'Create passkey and finish setup' }).click();
  await page.locator('main h1', { hasText: `Welcome, ${name}` }).waitFor({ timeout: 20_000 });
  return sessionOf(page);
}

/** The admin invites (API) and the invitee joins through the English join screen with their own passkey. */
export async function invite(admin: Person, invitee: Person, serverUrl: string, unitId: string, roles: string[], name: string): Promise<SessionUser> {
  const created = await pageFetch<{ code: string }>(admin.page, '/api/invitations', { unitId, roles, note: name });
  if (created.status !== 201 && created.status !== 200) throw new Error(`invitation refused: ${JSON.stringify(created.body)}`);
  await invitee.page.goto(`${serverUrl}/join?code=${created.body.code}`);
  await invitee.page.getByTestId('invitation-preview').waitFor();
  await invitee.page.getByLabel('Your name').fill(name);
  await invitee.page.getByRole('button', { name: 'Create passkey and join' }).click();
  await invitee.page.locator('main h1', { hasText: `Welcome, ${name}` }).waitFor({ timeout: 20_000 });
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
