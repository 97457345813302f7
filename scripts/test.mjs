// `npm test`: everything CI checks, from a fresh clone. Installs what the tests need (npm
// dependencies; Debian's chromium for the browser tests, poppler-utils to render and read the PDF
// reports, a CJK font so Chinese shows in screenshots), then runs typecheck, lint, the import
// rules, the build, and every test (unit and browser) with vitest.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { ensureDependencies, exitIfFailed, log, root, run, runAll, startStep } from './lib.mjs';

/** Debian packages the tests need: [package, a file it installs, what for]. */
const SYSTEM_PACKAGES = [
  ['chromium', '/usr/bin/chromium', 'the browser tests (npx playwright install cannot download browsers here; we drive the system chromium)'],
  ['poppler-utils', '/usr/bin/pdftoppm', 'rendering and reading the PDF reports (pdftoppm, pdftotext, pdffonts)'],
  ['fonts-noto-cjk', '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', 'Chinese text in browser screenshots (a bare Chromium shows boxes)'],
  ['libnss3-tools', '/usr/bin/certutil', 'an NSS database trusting the test CA, for pdfsig to judge signed PDFs (tests/integration/pdfSignature.test.ts)'],
];

function ensureSystemPackages() {
  const missing = SYSTEM_PACKAGES.filter(([, file]) => !existsSync(file));
  if (missing.length === 0) return;
  const names = missing.map(([name]) => name);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error(
      `✗ The tests need Debian packages that are missing:\n${missing.map(([name, file, why]) => `  ${name} (${file}): ${why}`).join('\n')}\n` +
        `  Install them with:  sudo apt-get update && sudo apt-get install -y ${names.join(' ')}`,
    );
    process.exit(1);
  }
  log(`Installing ${names.join(', ')} for the tests (apt-get)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', ...names], { env });
}

ensureDependencies();
ensureSystemPackages();
const bin = (name) => join(root, 'node_modules', '.bin', name);
const npm = (script) => ({ name: script, command: 'npm', args: ['run', '--silent', script] });
// Lint (typed rules: one process, one core, the longest check) runs from the start to its end,
// beside everything else. Typecheck, the import rules and the build run beside it; the tests
// start when those three are done, on the cores lint leaves, rather than after lint. Everything
// still runs and must pass: `npm test` fails if lint fails, after the tests have run.
log('Lint, typecheck, import rules and the build of the PWA (side by side)');
const lint = startStep(npm('lint'));
await runAll([npm('typecheck'), npm('check:imports'), { name: 'build', command: bin('vite'), args: ['build', '--logLevel', 'warn'] }]);
log('Tests (unit, integration and browser), lint still running beside them');
const t0 = Date.now();
const tests = await new Promise((done) => {
  const child = spawn(bin('vitest'), ['run', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  child.on('error', (error) => done({ name: 'tests', status: `could not start vitest: ${error.message}` }));
  child.on('close', (status, signal) => done({ name: 'tests', status: status ?? signal }));
});
console.log(`  tests done in ${Math.round((Date.now() - t0) / 1000)} s`);
exitIfFailed([await lint, tests]);
