/** What browser test files share: one server and one Chromium per file. */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, startServer, type LaunchOptions, type RunningServer } from './harness';

export interface Suite {
  server(): RunningServer;
  browser(): Browser;
}

/**
 * Starts a sync-server (fresh data) and Chromium before the file's tests and stops both after
 * them, whatever failed. The accessors throw if used outside the tests.
 */
export function serverAndBrowser(launch: LaunchOptions = {}): Suite {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await startServer({ AUTH_RATE_LIMIT: '500' });
    browser = await launchBrowser(launch);
  });
  afterAll(async () => {
    const closed = await Promise.allSettled([browser?.close()]);
    const stopped = await Promise.allSettled([server?.stop()]);
    for (const r of [...closed, ...stopped]) if (r.status === 'rejected') throw r.reason;
  });
  return {
    server: () => server ?? (() => { throw new Error('the server is not running'); })(),
    browser: () => browser ?? (() => { throw new Error('the browser is not running'); })(),
  };
}
