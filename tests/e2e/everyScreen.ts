/**
 * Every screen of the app, as the whole-app browser checks (accessibility, offline) visit them:
 * one entry per route of app/src/routes/index.ts, with real ids from the headquarters world so
 * that each screen shows content. A new screen is one more line here.
 */
import type { BrowserContext, Page } from 'playwright-core';
import type { HqJourneyWorld } from './hqJourneyWorld';

export interface ScreenVisit {
  /** A name for failure messages. */
  readonly name: string;
  readonly path: string;
  /** Opened signed out (the public screens); the others are opened as the administrator. */
  readonly signedOut?: boolean;
  /** Needs the server (it is no failure that it cannot show its content offline: it says so). */
  readonly onlineOnly?: boolean;
}

/** The screens with the world's ids filled in. `caseId`: a case the anomaly detector opened, if any. */
export function everyScreen(world: HqJourneyWorld, caseId: string | undefined): ScreenVisit[] {
  const stamp = encodeURIComponent(world.seeded.honest);
  return [
    { name: 'sign-in', path: '/signin', signedOut: true },
    { name: 'public verify', path: '/verify', signedOut: true },
    { name: 'join (no code)', path: '/join', signedOut: true },
    { name: 'setup (done)', path: '/setup', signedOut: true },
    { name: 'home', path: '/' },
    { name: 'passkeys', path: '/passkeys' },
    { name: 'invitations', path: '/admin/invitations' },
    { name: 'units', path: '/admin/units' },
    { name: 'webhooks', path: '/admin/webhooks', onlineOnly: true },
    { name: 'approval routes', path: '/admin/routes', onlineOnly: true },
    { name: 'stamp', path: '/stamp' },
    { name: 'seals', path: '/seals' },
    { name: 'seal', path: `/seals/${world.sealId}` },
    { name: 'devices', path: '/devices' },
    { name: 'requests', path: '/requests' },
    { name: 'new request', path: '/requests/new' },
    { name: 'request', path: `/requests/${world.seeded.requestId}` },
    { name: 'approvals', path: '/approvals' },
    { name: 'hq log', path: '/hq' },
    { name: 'hq dashboard', path: '/hq/dashboard' },
    { name: 'hq cases', path: '/hq/cases' },
    ...(caseId === undefined ? [] : [{ name: 'hq case', path: `/hq/cases/${encodeURIComponent(caseId)}`, onlineOnly: true }]),
    { name: 'stamp evidence', path: `/hq/stamps/${stamp}`, onlineOnly: true },
    { name: 'request evidence', path: `/hq/requests/${world.seeded.requestId}/evidence`, onlineOnly: true },
    { name: 'seal ledger', path: `/hq/seals/${world.sealId}/ledger`, onlineOnly: true },
    { name: 'verify bundle', path: '/hq/verify' },
    { name: 'archive', path: '/archive' },
    { name: 'notifications', path: '/notifications' },
    { name: 'not found', path: '/no/such/screen' },
  ];
}

/** Signs `context` in as the session behind `cookie` (`name=value`). */
export async function signInWithCookie(context: BrowserContext, url: string, cookie: string): Promise<void> {
  const at = cookie.indexOf('=');
  await context.addCookies([{ name: cookie.slice(0, at), value: cookie.slice(at + 1), url }]);
}

/**
 * Opens `path` in the running app without a page load (the router follows `popstate`), and
 * waits for the screen's heading and for what it loads to settle (no busy region, no spinner).
 */
export async function navigateInApp(page: Page, path: string): Promise<void> {
  await page.evaluate((to) => {
    history.pushState(null, '', to);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, path);
  await settled(page, path);
}

/** The screen at `path` shows its heading and nothing on it is loading any more. */
export async function settled(page: Page, path: string): Promise<void> {
  await page.waitForFunction((to) => {
    if (location.pathname + location.search !== to) return false;
    const heading = document.querySelector('main h1');
    if (heading === null || heading.textContent.trim() === '') return false;
    return document.querySelector('main [aria-busy="true"], main .spinner') === null;
  }, path, { timeout: 15_000 });
}
