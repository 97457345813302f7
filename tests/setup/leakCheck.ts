/**
 * The leak check, as RxDB's last test does it: a test file that leaves an RxDB database (and so
 * its replications), a server, a socket or a child process open fails, naming what it left.
 *
 * Every vitest project loads this file first in each test file (`setupFiles` in vite.config.ts),
 * so the check runs in `npm test`. A worker runs several files one after another and several
 * workers run side by side, so no one "last test" sees every file: the check is each file's last hook instead (after hooks run in
 * reverse order, and this one is registered before any of the file's own). What was open before
 * the file started (the worker's stdio and IPC channel) is not counted. Closing is asynchronous
 * (a closed server's sockets end a moment later), so the check waits a little before it fails.
 * tests/unit/leakCheck.test.ts proves it fails a run that leaks.
 */
import type { ChildProcess } from 'node:child_process';
import type { Server, Socket } from 'node:net';
import { afterAll } from 'vitest';

/** Kinds of resources (`process.getActiveResourcesInfo()`) that keep something open and that a test must close. */
const WATCHED = new Set(['TCPServerWrap', 'TCPSocketWrap', 'TCPWrap', 'PipeServerWrap', 'PipeWrap', 'ProcessWrap', 'UDPWrap']);
/** How long closing may take to finish (a loaded machine closes slowly). */
const GRACE_MS = 5_000;

const watchedCounts = (): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) if (WATCHED.has(kind)) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
};

/** Node's own handle objects, to name what leaked (an undocumented API: used only for the message). */
const activeHandles = (): unknown[] => {
  const get = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles;
  return typeof get === 'function' ? get.call(process) : [];
};

const baselineCounts = watchedCounts();
const baselineHandles = new Set(activeHandles());

function describeHandle(handle: unknown): string | undefined {
  const name = (handle as { constructor?: { name?: string } }).constructor?.name;
  if (name === 'Server') {
    const address = (handle as Server).address();
    return `a server listening on ${typeof address === 'string' ? address : address === null ? '(closing)' : `${address.address}:${address.port}`}`;
  }
  if (name === 'Socket') {
    const s = handle as Socket;
    if (s.destroyed) return undefined;
    return s.remotePort === undefined ? `a socket (${s.localAddress ?? 'pipe'})` : `a socket ${s.localAddress}:${s.localPort} → ${s.remoteAddress}:${s.remotePort}`;
  }
  if (name === 'ChildProcess') {
    const child = handle as ChildProcess;
    return `a child process ${child.pid ?? '?'} (${child.spawnargs.slice(0, 3).join(' ')})`;
  }
  return undefined;
}

/** What is open now and was not when the file started; empty when nothing leaked. */
function openHandles(): string[] {
  const now = watchedCounts();
  const grown = [...now].filter(([kind, count]) => count > (baselineCounts.get(kind) ?? 0));
  if (grown.length === 0) return [];
  const named = activeHandles().filter((h) => !baselineHandles.has(h)).flatMap((h) => describeHandle(h) ?? []);
  const counts = grown.map(([kind, count]) => `${count - (baselineCounts.get(kind) ?? 0)} more ${kind}`).join(', ');
  return [...named, `(${counts} than when the file started)`];
}

/**
 * RxDB's open databases, looked at only where the file loaded RxDB (importing it costs a second;
 * vitest's worker state says which modules the file evaluated; without it, RxDB is imported).
 */
async function openRxDatabases(): Promise<string[]> {
  const worker = (globalThis as { __vitest_worker__?: { evaluatedModules?: { idToModuleMap?: Map<string, unknown> } } }).__vitest_worker__;
  const loaded = worker?.evaluatedModules?.idToModuleMap;
  if (loaded !== undefined && ![...loaded.keys()].some((id) => id.includes('/node_modules/rxdb/'))) return [];
  const { dbCount, OPEN_COLLECTIONS } = await import('rxdb');
  const count = dbCount();
  if (count === 0) return [];
  const names = [...new Set([...OPEN_COLLECTIONS].map((collection) => `"${collection.database.name}"`))];
  return [`${count} RxDB database(s) not closed${names.length > 0 ? `: ${names.join(', ')}` : ''} (close them, which also stops their replications)`];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

afterAll(async () => {
  const deadline = Date.now() + GRACE_MS;
  let leaks = [...(await openRxDatabases()), ...openHandles()];
  while (leaks.length > 0 && Date.now() < deadline) {
    await sleep(100);
    leaks = [...(await openRxDatabases()), ...openHandles()];
  }
  if (leaks.length > 0) throw new Error(`expected the test file to close what it opened, it left open: ${leaks.join('; ')}`);
}, GRACE_MS + 10_000);
