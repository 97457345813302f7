import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import solid from 'vite-plugin-solid';
import { VitePWA } from 'vite-plugin-pwa';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

// The entries of shared/package.json and device-bridge/package.json (also tsconfig.json `paths`).
// The `/testing` entries come first: an alias matches its key and every path below it.
const alias = {
  '@seal/shared/testing': here('./shared/src/testing.ts'),
  '@seal/device-bridge/testing': here('./device-bridge/src/testing.ts'),
  '@seal/shared': here('./shared/src/index.ts'),
  '@seal/device-bridge': here('./device-bridge/src/index.ts'),
};

// Unit tests of the app's solid primitives need solid's reactive (browser) build: under Node it
// resolves to its server build, where effects never run. Inlined, so that solid-js/store takes the
// same copy.
const solidInBrowserBuild = {
  alias: [
    ...Object.entries(alias).map(([find, replacement]) => ({ find, replacement })),
    { find: /^solid-js$/, replacement: here('./node_modules/solid-js/dist/solid.js') },
    { find: /^solid-js\/store$/, replacement: here('./node_modules/solid-js/store/dist/store.js') },
  ],
};

// Every test file ends with the leak check (an open database, server, socket or child process
// fails it). SEAL_LEAK_FIXTURES=1 adds the files that leak on purpose, to prove the check fires
// under this very configuration (tests/unit/leakCheck.test.ts).
const setupFiles = [here('./tests/setup/leakCheck.ts')];
const leakFixtures = process.env['SEAL_LEAK_FIXTURES'] === '1' ? ['tests/fixtures/leaks/*.leaky.ts'] : [];

/** App unit tests that open a database (RxDB, fake IndexedDB): RxDB counts collections per JS context. */
const STORE_UNIT_TESTS = ['app/src/device/browserDevicePorts.test.ts', 'app/src/primitives/createQuery.test.ts'];

/** A vitest project: its name, its test files and its timeouts; the rest every project shares. */
const project = (
  name: string,
  include: string[],
  options: { testTimeout: number; hookTimeout: number; fileParallelism?: boolean; isolate?: boolean; exclude?: string[]; expect?: { poll: { timeout: number } }; server?: { deps: { inline: RegExp[] } } },
  resolve: object = { alias },
) => ({
  resolve,
  root: here('.'),
  test: { name, environment: 'node' as const, include, setupFiles, ...options },
});

export default defineConfig({
  root: here('./app'),
  publicDir: here('./public'),
  resolve: { alias },
  optimizeDeps: { exclude: ['@automerge/automerge'] },
  build: {
    outDir: here('./dist/app'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // dist/app/.vite/manifest.json: which chunks the entry imports statically, so bench/initialJs.ts
    // can measure the first page's JS (held to its budget by tests/unit/initialJs.test.ts).
    manifest: true,
    rolldownOptions: {
      // device-bridge's browser-side modules and shared's only declare: no top-level statement runs
      // for its effect (tests/unit/sideEffectFree.test.ts holds them to it). For shared, this keeps
      // headquarters' schemas (evidence bundles, anomaly rules) off the first page. Told so, the bundler skips a
      // module whose exports a chunk does not use; otherwise the `@seal/device-bridge` barrel, which
      // the stamping screen imports for the Bluetooth client, puts the whole reference device on
      // the first page, though only the lazily loaded simulated device uses it.
      treeshake: { moduleSideEffects: (id) => (/\/(device-bridge\/src\/(?!node\/)|shared\/src\/)/.test(id) ? false : undefined) },
    },
  },
  plugins: [
    solid(),
    VitePWA({
      // 'prompt': an update never reloads a tablet mid-form; the toast offers the reload.
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['icons/*.png', 'icons/*.svg'],
      manifest: {
        id: '/',
        name: 'Seal Control 印章管控',
        short_name: 'Seal Control',
        description: 'Local-first control of physical and electronic company seals',
        lang: 'zh-CN',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'any',
        background_color: '#f7f4ef',
        theme_color: '#a4161a',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // Automerge's wasm (3.6 MB) must be precached: the site tablet works offline for days.
        globPatterns: ['**/*.{js,mjs,css,html,png,svg,wasm,webmanifest}'],
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        // Take control of the first page at once, so chunks loaded later on demand work offline.
        clientsClaim: true,
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/healthz/],
      },
    }),
  ],
  test: {
    root: here('.'),
    environment: 'node',
    // vitest's default is one worker less than the cores: on the 2-core CI machine that is ONE, and
    // the whole suite ran file after file (20 min). Two workers: every project's files run two at
    // a time (each test file starts its own server, store and browser on free ports).
    maxWorkers: Math.max(2, availableParallelism()),
    projects: [
      // Tests beside the code of each part, and the cross-part rules in tests/unit. Some start
      // the server in-process on a real embedded store (sync-server/src/testing).
      // Tests of pure modules (shared/, device-bridge/, the app's logic without its store): no
      // server, no database, no process. Their files share a worker's module cache (isolate: false)
      // instead of each importing the same modules again (@seal/shared, zod, solid, noble...): the
      // imports cost these 80 files more than their tests. Each file still runs its setup and leak
      // check; a file that stubs a global or fakes timers restores them in its own hooks.
      project('unit-pure', ['{shared,device-bridge,app}/src/**/*.test.ts'], {
        testTimeout: 20_000,
        hookTimeout: 60_000,
        isolate: false,
        exclude: [...STORE_UNIT_TESTS],
        server: { deps: { inline: [/solid-js/] } },
      }, solidInBrowserBuild),
      // Tests that start the server in-process on a real embedded store (sync-server/src/testing),
      // open a local store, and the cross-part rules in tests/unit. These projects too share a
      // worker's module cache between files (isolate: false): importing the server, the app's store
      // and RxDB again for every file took ~12 s a file on two loaded cores (4 integration files:
      // 50 s of imports isolated, 21 s shared; the suite spent 478 s in imports). What a file opens
      // it closes (the leak check fails it otherwise), and a file that spies on a global restores it.
      project('unit', ['sync-server/src/**/*.test.ts', ...STORE_UNIT_TESTS, 'tests/unit/**/*.test.ts', ...leakFixtures], {
        testTimeout: 20_000,
        // Starting and closing a real store on 2 loaded cores can take a while.
        hookTimeout: 60_000,
        isolate: false,
        server: { deps: { inline: [/solid-js/] } },
      }, solidInBrowserBuild),
      // The real server over HTTP (or as a process) with app replicas and devices: tests/integration.
      project('integration', ['tests/integration/**/*.test.ts'], {
        testTimeout: 20_000,
        expect: { poll: { timeout: 10_000 } },
        // Integration tests start and stop real servers; on 2 loaded cores closing one can take a while.
        hookTimeout: 60_000,
        isolate: false,
      }),
      // Browser tests run two files at a time beside the others. A page on 2 busy cores can take more
      // than expect.poll's default second to show what it will show: polls wait up to 15 s unless
      // they say otherwise (a wrong value still fails, only later).
      project('e2e', ['tests/e2e/**/*.test.ts'], { testTimeout: 120_000, hookTimeout: 120_000, isolate: false, expect: { poll: { timeout: 15_000 } } }),
    ],
  },
});
