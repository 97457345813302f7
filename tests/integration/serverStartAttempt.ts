/**
 * One start of the real sync-server as a process, with the environment given, to see whether it
 * refuses to start and what it says: `node --import tsx sync-server/src/main.ts`, as
 * serverProcess.ts runs it.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

export type StartAttempt =
  | { readonly started: false; readonly exitCode: number | null; readonly output: string }
  /** It started after all (it is stopped again before this answers). */
  | { readonly started: true; readonly output: string };

/**
 * Starts the server with `env` over a minimal environment (PATH and HOME only, so the caller's
 * own variables cannot leak in) and waits until it exits or says it is listening.
 */
export function attemptServerStart(env: Record<string, string>): Promise<StartAttempt> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sync-server/src/main.ts'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stopping = false;
  return new Promise((answer, fail) => {
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
      if (/listening on/.test(output) && !stopping) {
        stopping = true;
        child.once('close', () => answer({ started: true, output }));
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', fail);
    // 'close', not 'exit': it comes after the last output has been read.
    child.once('close', (exitCode) => {
      if (!/listening on/.test(output)) answer({ started: false, exitCode, output });
    });
  });
}
