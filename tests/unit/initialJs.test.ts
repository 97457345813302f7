/**
 * The first page's JS: how it is measured (on a build laid out by hand), and the real build held
 * to its budget with the demo's simulated device off the critical path. The real build is the one
 * `npm test` makes before vitest runs (dist/app); this test reads it and never builds.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { INITIAL_JS_BUDGET_KB, measureInitialJs, type InitialJs } from '../../bench/initialJs';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST_APP = join(REPO_ROOT, 'dist/app');

/** Distinct, partly compressible text of about `size` bytes, so every file gzips to its own size. */
const contentOf = (seed: number, size: number): string =>
  Array.from({ length: size / 8 }, (_, i) => ((i * 2654435761 + seed * 40503) >>> 0).toString(36).padStart(8, '0')).join('');

const gzipSizeOf = (text: string): number => gzipSync(Buffer.from(text)).byteLength;

describe('measureInitialJs, on a build laid out by hand', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** A dist directory with these files (path → content); `undefined` content omits the file. */
  function distWith(files: Record<string, string | undefined>): string {
    const dir = mkdtempSync(join(tmpdir(), 'initial-js-'));
    dirs.push(dir);
    for (const [path, content] of Object.entries(files)) {
      if (content === undefined) continue;
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    return dir;
  }

  const entry = contentOf(1, 4000);
  const shared = contentOf(2, 3000);
  const runtime = contentOf(3, 800);
  const lazy = contentOf(4, 6000);
  const lazyOnly = contentOf(5, 9000);
  const css = contentOf(6, 5000);
  const html = (extra = ''): string =>
    `<!doctype html><html><head>
    <script type="module" crossorigin src="/assets/entry.js"></script>
    <link rel="modulepreload" crossorigin href="/assets/shared.js">
    <link rel="modulepreload" crossorigin href="/assets/runtime.js">
    <link rel="stylesheet" crossorigin href="/assets/entry.css">${extra}
    </head><body><div id="root"></div></body></html>`;
  // The entry imports `shared` and `runtime`; `shared` imports `runtime` too (counted once); the
  // lazy screen is reached by a dynamic import only, and so is what only it imports.
  const manifest = JSON.stringify({
    'index.html': { file: 'assets/entry.js', name: 'index', src: 'index.html', isEntry: true, imports: ['_shared.js', '_runtime.js'], dynamicImports: ['src/Lazy.tsx'], css: ['assets/entry.css'] },
    '_shared.js': { file: 'assets/shared.js', name: 'shared', imports: ['_runtime.js'] },
    '_runtime.js': { file: 'assets/runtime.js', name: 'runtime' },
    'src/Lazy.tsx': { file: 'assets/lazy.js', name: 'Lazy', src: 'src/Lazy.tsx', isDynamicEntry: true, imports: ['_shared.js', '_lazyOnly.js'] },
    '_lazyOnly.js': { file: 'assets/lazyOnly.js', name: 'lazyOnly' },
  });
  const build = {
    'index.html': html(),
    '.vite/manifest.json': manifest,
    'assets/entry.js': entry,
    'assets/shared.js': shared,
    'assets/runtime.js': runtime,
    'assets/lazy.js': lazy,
    'assets/lazyOnly.js': lazyOnly,
    'assets/entry.css': css,
  };

  it('counts the entry and what it imports statically, each once; not what only a dynamic import reaches, nor CSS', () => {
    const measured = measureInitialJs(distWith(build));
    expect(measured.files.map((f) => f.file)).toEqual(['assets/entry.js', 'assets/shared.js', 'assets/runtime.js']);
    expect(measured.files.map((f) => f.gzipBytes)).toEqual([gzipSizeOf(entry), gzipSizeOf(shared), gzipSizeOf(runtime)]);
    const expected = gzipSizeOf(entry) + gzipSizeOf(shared) + gzipSizeOf(runtime);
    expect(measured.gzipBytes).toBe(expected);
    expect(measured.gzipKb).toBe(Math.round((expected / 1024) * 10) / 10);
  });

  it('also counts a module script that index.html names outside the manifest (a plugin injected it)', () => {
    const injected = contentOf(7, 2000);
    const measured = measureInitialJs(distWith({ ...build, 'index.html': html('\n<script type="module" src="/injected.js"></script>'), 'injected.js': injected }));
    expect(measured.files.map((f) => f.file)).toEqual(['assets/entry.js', 'assets/shared.js', 'assets/runtime.js', 'injected.js']);
    expect(measured.gzipBytes).toBe(gzipSizeOf(entry) + gzipSizeOf(shared) + gzipSizeOf(runtime) + gzipSizeOf(injected));
  });

  it('counts a chunk the entry imports only through another static import', () => {
    const deep = JSON.stringify({
      'index.html': { file: 'assets/entry.js', src: 'index.html', isEntry: true, imports: ['_shared.js'] },
      '_shared.js': { file: 'assets/shared.js', imports: ['_runtime.js'] },
      '_runtime.js': { file: 'assets/runtime.js' },
    });
    // index.html preloads only `shared`: `runtime` still comes from the manifest's chain.
    const page = '<script type="module" src="/assets/entry.js"></script><link rel="modulepreload" href="/assets/shared.js">';
    const measured = measureInitialJs(distWith({ ...build, 'index.html': page, '.vite/manifest.json': deep }));
    expect(measured.files.map((f) => f.file).sort()).toEqual(['assets/entry.js', 'assets/runtime.js', 'assets/shared.js']);
  });

  it('refuses, with a sentence, a build without index.html, without a manifest, or with a manifest that names a missing chunk', () => {
    expect(() => measureInitialJs(distWith({ ...build, 'index.html': undefined }))).toThrow(/expected the built app at .*index\.html, found none/);
    expect(() => measureInitialJs(distWith({ ...build, '.vite/manifest.json': undefined }))).toThrow(/expected Vite's build manifest at .*found none.*build\.manifest/);
    const broken = JSON.stringify({ 'index.html': { file: 'assets/entry.js', src: 'index.html', isEntry: true, imports: ['_gone.js'] } });
    expect(() => measureInitialJs(distWith({ ...build, '.vite/manifest.json': broken }))).toThrow(/"_gone\.js".*no such chunk/);
    const noEntry = JSON.stringify({ '_shared.js': { file: 'assets/shared.js' } });
    expect(() => measureInitialJs(distWith({ ...build, '.vite/manifest.json': noEntry }))).toThrow(/exactly one entry chunk for index\.html.*found 0/);
  });
});

/** Modules only the demo's simulated device needs: they must not be on the first page's path. */
const SIMULATED_ONLY = [
  'app/src/device/simulatedDevice.ts',
  'app/src/device/browserDevicePorts.ts',
  'device-bridge/src/device/createSealDevice.ts',
  'device-bridge/src/device/DeviceCore.ts',
  'device-bridge/src/device/SimulatedHardware.ts',
  'device-bridge/src/transport/memoryTransport.ts',
];

const mapOf = (file: string): string => `${join(DIST_APP, file)}.map`;

/** The repository paths of the sources a built JS file was made from (its source map; none for the bundler's own runtime). */
function sourcesOf(file: string): string[] {
  if (!existsSync(mapOf(file))) return [];
  const { sources } = JSON.parse(readFileSync(mapOf(file), 'utf8')) as { sources: string[] };
  return sources.map((source) => join(dirname(join(DIST_APP, file)), source).slice(REPO_ROOT.length).replace(/^\/+/, ''));
}

describe('the built app (dist/app, from the build npm test makes before vitest)', () => {
  function initialJs(): InitialJs {
    if (!existsSync(join(DIST_APP, 'index.html'))) {
      throw new Error(`expected the built app in ${DIST_APP}, found none: npm test builds it before vitest; alone, run \`npx vite build\` first`);
    }
    return measureInitialJs(DIST_APP);
  }
  const listing = (initial: InitialJs): string => initial.files.map((f) => `${(f.gzipBytes / 1024).toFixed(1)} KB ${f.file}`).join(', ');

  it(`needs at most ${INITIAL_JS_BUDGET_KB} KB of JS, gzip, before the first page runs`, () => {
    const initial = initialJs();
    expect(initial.gzipBytes, `initial JS ${initial.gzipKb} KB gzip over the budget: ${listing(initial)}`).toBeLessThanOrEqual(INITIAL_JS_BUDGET_KB * 1024);
  });

  it('loads the simulated device only when someone chooses it: built into a lazy chunk, not into the initial JS', () => {
    const initial = initialJs();
    const initialFiles = new Set(initial.files.map((f) => f.file));
    // Source maps are on (vite.config.ts): without the entry's, this check would see nothing.
    expect(existsSync(mapOf(initial.files[0]!.file)), `expected the source map of the entry chunk, ${mapOf(initial.files[0]!.file)}`).toBe(true);
    const onFirstPage = initial.files.flatMap((f) => sourcesOf(f.file).filter((source) => SIMULATED_ONLY.includes(source)).map((source) => `${source} in ${f.file}`));
    expect(onFirstPage).toEqual([]);
    // Not vacuous: the simulated device is in the build, in a chunk the first page does not load.
    const lazyChunks = readdirSync(join(DIST_APP, 'assets')).filter((name) => name.endsWith('.js') && !initialFiles.has(`assets/${name}`));
    const holding = lazyChunks.filter((name) => sourcesOf(`assets/${name}`).includes('app/src/device/simulatedDevice.ts'));
    expect(holding).toHaveLength(1);
  });
});
