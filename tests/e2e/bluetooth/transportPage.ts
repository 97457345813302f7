/**
 * A minimal test page on loopback that loads the Web Bluetooth transport (bundled by esbuild from
 * page/transportTestApi.ts), and `BrowserTransport`: a Node-side `Transport` whose every call runs
 * in that page through the real `navigator.bluetooth`. The app itself carries no test hook.
 */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { TransportError, type Transport, type TransportErrorCode, type TransportStats } from '@seal/device-bridge';
import type { PageConnectOptions, PageOutcome, PageTransportState } from './page/transportTestApi';

const ENTRY = join(fileURLToPath(new URL('.', import.meta.url)), 'page/transportTestApi.ts');

const HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Seal transport test page</title>
<script type="module" src="/transport.js"></script></head>
<body><p>Web Bluetooth transport test page</p></body></html>`;

export interface TransportPageServer {
  /** `http://localhost:PORT/`: localhost is a secure context, which Web Bluetooth requires. */
  readonly url: string;
  close(): Promise<void>;
}

/** Bundles the page entry and serves it on a free loopback port. */
export async function startTransportPageServer(): Promise<TransportPageServer> {
  const bundle = await build({
    entryPoints: [ENTRY],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    sourcemap: 'inline',
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]!.text;
  const server: Server = createServer((request, response) => {
    if (request.url === '/transport.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
    } else if (request.url === '/' || request.url === '/index.html') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(HTML);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error(`Unexpected server address ${String(address)}`);
  return {
    url: `http://localhost:${address.port}/`,
    close: () => new Promise((closed, failed) => server.close((err) => (err ? failed(err) : closed()))),
  };
}

/** Opens the test page and waits until the transport API is on `window`. */
export async function openTransportPage(page: Page, server: TransportPageServer): Promise<void> {
  await page.goto(server.url);
  await page.waitForFunction(() => 'sealTransportTest' in window);
}

function unwrap<T>(outcome: PageOutcome<T>): T {
  if (outcome.ok) return outcome.value;
  const { code, name, message } = outcome.error;
  if (code === undefined) throw new Error(`${name}: ${message}`);
  throw new TransportError(code as TransportErrorCode, message);
}

/** A `Transport` in Node whose calls run in the page; errors come back as `TransportError`s. */
export class BrowserTransport implements Transport {
  readonly frameSize: number;
  readonly deviceName: string | undefined;
  readonly stats: TransportStats = { roundTrips: 0, bytesWritten: 0, bytesRead: 0 };
  #connected = true;
  #hintActive = false;
  #connectionChanges: readonly boolean[] = [];
  readonly #page: Page;
  readonly #id: number;

  private constructor(page: Page, id: number, frameSize: number, deviceName: string | undefined) {
    this.#page = page;
    this.#id = id;
    this.frameSize = frameSize;
    this.deviceName = deviceName;
  }

  /** `connectWebBluetooth` in the page: the chooser, the connection, the characteristics. */
  static async connect(page: Page, options: PageConnectOptions = {}): Promise<BrowserTransport> {
    const result = unwrap(await page.evaluate((o) => window.sealTransportTest.connect(o), options));
    const transport = new BrowserTransport(page, result.id, result.frameSize, result.deviceName);
    await transport.refresh();
    return transport;
  }

  /** `connected` as of the last call; `refresh()` asks the page now. */
  get connected(): boolean {
    return this.#connected;
  }
  get hintActive(): boolean {
    return this.#hintActive;
  }
  get connectionChanges(): readonly boolean[] {
    return this.#connectionChanges;
  }

  async refresh(): Promise<void> {
    this.#apply(await this.#page.evaluate((id) => window.sealTransportTest.state(id), this.#id));
  }

  async write(frames: readonly Uint8Array[]): Promise<void> {
    const plain = frames.map((f) => [...f]);
    this.#settle(await this.#page.evaluate(([id, f]) => window.sealTransportTest.write(id, f), [this.#id, plain] as const));
  }

  async read(): Promise<Uint8Array> {
    return new Uint8Array(this.#settle(await this.#page.evaluate((id) => window.sealTransportTest.read(id), this.#id)));
  }

  async reconnect(): Promise<void> {
    this.#settle(await this.#page.evaluate((id) => window.sealTransportTest.reconnect(id), this.#id));
  }

  async close(): Promise<void> {
    if (this.#page.isClosed()) return;
    this.#settle(await this.#page.evaluate((id) => window.sealTransportTest.close(id), this.#id));
  }

  #settle<T>(outcome: PageOutcome<T>): T {
    if (outcome.state) this.#apply(outcome.state);
    return unwrap(outcome);
  }

  #apply(state: PageTransportState): void {
    this.#connected = state.connected;
    this.#hintActive = state.hintActive;
    this.#connectionChanges = state.connectionChanges;
    Object.assign(this.stats, state.stats);
  }
}
