// Helpers shared by `npm start` and `npm test`. Plain Node (no dependencies): these scripts run
// before `node_modules` exists on a fresh clone.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('..', import.meta.url).pathname;

export function log(message) {
  console.log(`\x1b[1m▶ ${message}\x1b[0m`);
}

/** Runs a command in the repo root, inheriting stdio; exits the process if it fails. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) {
    console.error(`✗ could not run ${command}: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) {
    console.error(`✗ ${[command, ...args].join(' ')} exited with ${result.status ?? result.signal}`);
    process.exit(result.status ?? 1);
  }
}

/**
 * Installs dependencies from the lockfile when node_modules is missing or older than it, or than
 * a patch of `patches/` (which `postinstall` applies).
 */
export function ensureDependencies() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  const patches = join(root, 'patches');
  const newest = Math.max(statSync(lock).mtimeMs, ...(existsSync(patches) ? readdirSync(patches).map((name) => statSync(join(patches, name)).mtimeMs) : []));
  if (existsSync(marker) && statSync(marker).mtimeMs >= newest) return;
  log('Installing dependencies (npm ci)…');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

/** Builds the PWA into dist/app. */
export function buildApp() {
  log('Building the PWA (vite build)…');
  run(join(root, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn']);
}

/**
 * Starts a step (a child process with its output kept together) and resolves when it ends, with
 * its status; prints its output, with how long it took, when it ends.
 */
export function startStep({ name, command, args }) {
  return new Promise((done) => {
    const t0 = Date.now();
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('error', (error) => done({ name, status: 1, output: `could not run ${command}: ${error.message}\n`, seconds: 0 }));
    child.on('close', (status, signal) => {
      const seconds = Math.round((Date.now() - t0) / 100) / 10;
      log(`${name} (${seconds} s)`);
      const text = Buffer.concat(output).toString();
      if (text.trim()) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
      done({ name, status: status ?? signal, seconds });
    });
  });
}

/** Exits the process if any of the steps' results failed. */
export function exitIfFailed(results) {
  const failed = results.filter((result) => result.status !== 0);
  if (failed.length > 0) {
    console.error(`✗ failed: ${failed.map((result) => `${result.name} (exit ${result.status})`).join(', ')}`);
    process.exit(1);
  }
}

/**
 * Runs independent checks at the same time (each is mostly one process on one core), keeps each
 * one's output together and prints it when that check ends, with how long it took; exits the
 * process if any failed, after all have ended.
 */
export async function runAll(steps) {
  const started = Date.now();
  exitIfFailed(await Promise.all(steps.map(startStep)));
  console.log(`  checks done in ${Math.round((Date.now() - started) / 1000)} s`);
}
