/**
 * The transport acceptance suite (the one MemoryTransport passes), run against the Web Bluetooth
 * transport in real Chromium: the reference seal device answers through the emulated peripheral.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { runTransportTests } from '@seal/device-bridge/testing';
import { launchBrowser } from '../harness';
import { EmulatedPeripheral, gattServerHandler } from './emulatedPeripheral';
import { BrowserTransport, openTransportPage, startTransportPageServer, type TransportPageServer } from './transportPage';

let pageServer: TransportPageServer | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  pageServer = await startTransportPageServer();
  browser = await launchBrowser({ webBluetooth: true });
});

afterAll(async () => {
  const results = await Promise.allSettled([browser?.close(), pageServer?.close()]);
  for (const r of results) if (r.status === 'rejected') throw r.reason;
});

runTransportTests('Web Bluetooth in Chromium (emulated peripheral)', async (server) => {
  const context: BrowserContext = await browser!.newContext();
  const page = await context.newPage();
  await openTransportPage(page, pageServer!);
  const peripheral = await EmulatedPeripheral.start(browser!, page, { handler: gattServerHandler(server) });
  // autoReconnect off: the suite checks that calls fail until reconnect() after a drop.
  const transport = await BrowserTransport.connect(page, { autoReconnect: false });
  return {
    transport,
    dropLink: async () => {
      await peripheral.dropLink();
      await expect.poll(async () => (await transport.refresh(), transport.connected)).toBe(false);
    },
    teardown: async () => {
      await transport.close().catch((err: unknown) => peripheral.problems.push(`close: ${String(err)}`));
      await peripheral.stop();
      await context.close();
      expect(peripheral.problems, `harness problems; trace:\n${peripheral.trace.join('\n')}`).toEqual([]);
    },
  };
});
