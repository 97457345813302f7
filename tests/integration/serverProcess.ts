/**
 * The real sync-server as a child process (`node --import tsx sync-server/src/main.ts`) on a fixed port and
 * data directory, so that it can be killed with SIGKILL and started again on the same store.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const SETUP_CODE_LINE = /^\s+([0-9A-Z]{4}(-[0-9A-Z]{4}){4})$/m;

export interface ServerProcess {
  readonly url: string;
  readonly origin: string;
  readonly dataDir: string;
  output(): string;
  /** The setup code printed at first start (waits for it: it follows the "listening" line). */
  setupCode(): Promise<string>;
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Starts the server again on the same port and data directory. */
  restart(): Promise<void>;
  /** SIGTERM (and wait), then remove the data directory unless `keep`. */
  stop(keep?: boolean): Promise<void>;
}

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

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((done) => child.once('exit', () => done()));

export async function startServerProcess(): Promise<ServerProcess> {
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'sealctl-durability-'));
  let log = '';
  let child: ChildProcess;
  const launch = async (): Promise<void> => {
    // `node --import tsx`, not the tsx CLI: the CLI runs the server in a child of its own, which a
    // SIGKILL of the CLI would leave running (holding the store's files).
    child = spawn(process.execPath, ['--import', 'tsx', 'sync-server/src/main.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, STATIC_DIR: join(dataDir, 'no-app'), AUTH_RATE_LIMIT: '100000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const started = log.length;
    const deadline = Date.now() + 60_000;
    while (!/listening on/.test(log.slice(started))) {
      if (child.exitCode !== null) throw new Error(`sync-server exited with ${child.exitCode}:\n${log}`);
      if (Date.now() > deadline) throw new Error(`sync-server did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await launch();
  return {
    url: `http://127.0.0.1:${port}`,
    origin: `http://localhost:${port}`,
    dataDir,
    output: () => log,
    async setupCode() {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const code = SETUP_CODE_LINE.exec(log)?.[1];
        if (code) return code;
        if (Date.now() > deadline) throw new Error(`no setup code in:\n${log}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async kill(signal) {
      child.kill(signal);
      await exited(child);
    },
    restart: launch,
    async stop(keep = false) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited(child);
      }
      if (!keep) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
