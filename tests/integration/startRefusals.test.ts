/**
 * The real server, started as a process, refuses what it cannot run on — a bad setting or a data
 * directory another instance holds — with one sentence and exit status 1, no stack trace, and
 * without disturbing the instance already running there.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from './serverProcess';
import { attemptServerStart } from './serverStartAttempt';

function freePort(): Promise<number> {
  return new Promise((found, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (address && typeof address === 'object' ? found(address.port) : fail(new Error('no port'))));
    });
  });
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Node prints stack frames as "    at fn (file:line:col)". */
const STACK_FRAME = /^\s+at /m;

/** The lines the server printed that are not empty. */
const linesOf = (output: string): string[] => output.split('\n').filter((line) => line.trim() !== '');

describe('a second instance on a data directory in use', () => {
  let first: ServerProcess | undefined;
  afterAll(async () => {
    await first?.stop();
  });

  it('is refused with one sentence, exit status 1, and the first keeps serving', async () => {
    first = await startServerProcess();
    const before = await fetch(`${first.url}/healthz`);
    expect(before.status).toBe(200);

    const second = await attemptServerStart({
      PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: first.dataDir, STATIC_DIR: join(first.dataDir, 'no-app'),
    });
    expect(second.started).toBe(false);
    if (second.started) return;
    expect(second.exitCode).toBe(1);
    const lines = linesOf(second.output);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^sync-server failed to start: DATA_DIR ${escapeRegExp(first.dataDir)} is in use by another running sync-server \\(process [0-9]+\\): stop it, or give this one another DATA_DIR$`));
    expect(second.output).not.toMatch(STACK_FRAME);
    expect(second.output).not.toMatch(/IO error|LevelDB|LOCK/);

    // The first instance still answers, its store included, and has seen nothing go wrong.
    const outputBefore = first.output();
    const after = await fetch(`${first.url}/healthz`);
    expect(after.status).toBe(200);
    expect(await after.json()).toMatchObject({ status: 'ok', store: { reachable: true } });
    const setup = await fetch(`${first.url}/api/setup`);
    expect(setup.status).toBe(200);
    expect(first.output()).toBe(outputBefore);
  });

  it('is taken over at once when the holder dies, even by SIGKILL (no stale lock)', async () => {
    first ??= await startServerProcess();
    await first.kill('SIGKILL');
    await first.restart();
    const health = await fetch(`${first.url}/healthz`);
    expect(health.status).toBe(200);
  });
});

describe('a setting the server cannot use', () => {
  const dataDirs: string[] = [];
  afterAll(async () => {
    for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
  });

  /** A start with otherwise sound settings in a fresh data directory. */
  async function attempt(env: Record<string, string>) {
    const dataDir = await mkdtemp(join(tmpdir(), 'sealctl-refusal-'));
    dataDirs.push(dataDir);
    return attemptServerStart({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, STATIC_DIR: join(dataDir, 'no-app'), ...env });
  }

  it.each([
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL', 'verbose'],
    [{ ORIGINS: ',' }, 'ORIGINS', ','],
    [{ PORT: ' 80' }, 'PORT', ' 80'],
    [{ SESSION_IDLE_MINUTES: '1e308' }, 'SESSION_IDLE_MINUTES', '1e308'],
    [{ COUCHDB_URL: 'localhost:5984' }, 'COUCHDB_URL', 'localhost:5984'],
  ])('%j is refused at start in one sentence naming the variable', async (env, variable, arrived) => {
    const result = await attempt(env);
    expect(result.started).toBe(false);
    if (result.started) return;
    expect(result.exitCode).toBe(1);
    const lines = linesOf(result.output);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^sync-server failed to start: ${variable} must be .+, got `));
    expect(lines[0]!.endsWith(`got ${JSON.stringify(arrived)}`)).toBe(true);
    expect(result.output).not.toMatch(STACK_FRAME);
  });
});
