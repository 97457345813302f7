// `npm test`: everything CI checks, from a fresh clone. Installs what the tests need (npm
// dependencies; Debian's chromium for the browser tests), then runs typecheck, lint, the import
// rules, the build, and every test (unit and browser) with vitest.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp, ensureDependencies, log, root, run } from './lib.mjs';

const CHROMIUM = '/usr/bin/chromium';

function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error(
      `✗ The browser tests need Debian's chromium at ${CHROMIUM}.\n` +
        '  Install it with:  sudo apt-get update && sudo apt-get install -y chromium\n' +
        '  (npx playwright install cannot download browsers here; we drive the system chromium.)',
    );
    process.exit(1);
  }
  log('Installing Debian chromium for the browser tests (apt-get)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', 'chromium'], { env });
}

ensureDependencies();
ensureChromium();
const bin = (name) => join(root, 'node_modules', '.bin', name);
log('Typecheck');
run('npm', ['run', '--silent', 'typecheck']);
log('Lint');
run('npm', ['run', '--silent', 'lint']);
log('Import rules');
run('npm', ['run', '--silent', 'check:imports']);
buildApp();
log('Tests (unit and browser)');
run(bin('vitest'), ['run', ...process.argv.slice(2)]);
