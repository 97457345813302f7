/**
 * Imports flow one way: app → device-bridge → shared, sync-server → shared.
 * shared imports nothing of ours and no Node built-in; nothing imports app or sync-server.
 * shared/ and device-bridge/ are packages: from outside they are reached only through the entries
 * their package.json exports (`.` and `./testing`), from any code of ours, tests and benches included.
 * Inside app/ and sync-server/ the folders are layers too (below): a module imports its own layer
 * and those under it, never one above.
 * `npm test` runs this check; tests/unit/importRules.test.ts proves each rule fires on a fixture
 * (tests/fixtures/wrong-import, tests/fixtures/wrong-layer) and that the real tree passes.
 */

/** A forbidden import: modules whose path matches `from` import nothing matching `to`. */
const rule = (name, comment, from, to) => ({ name, comment, severity: 'error', from, to });

/**
 * The layers of app/src, top to bottom; each folder of app/src belongs to exactly one.
 * A module may import its own layer and any layer below it. The root files (App.tsx, main.tsx)
 * are the composition root: they import anything, nothing imports them but main.tsx.
 *
 * Primitives are at the very bottom, not beside components: they are generic solid helpers
 * (createAction, createLoad, createOnlineStatus, oneTimeCode) that know nothing of the app, and
 * auth/ and org/ use them. auth/ and i18n/ sit above store/: the session and the language know
 * nothing of the local database, and sync/ is where the store meets the signed-in user.
 */
const APP_LAYERS = [
  { layer: 'screens', folders: ['routes'], what: 'the screens and their route table' },
  { layer: 'components', folders: ['components'], what: 'UI pieces the screens share' },
  { layer: 'features', folders: ['requests', 'org', 'device', 'documents', 'hq', 'verify'], what: "what the screens are about: requests and grants, the organisation and its directory, the seal device, documents (PDF preview, electronic stamping, the seal font), headquarters' log, dashboard and evidence, verifying stamped documents" },
  { layer: 'sync', folders: ['sync'], what: 'the local store as solid signals and providers: facts, records, row states, sync status' },
  { layer: 'session', folders: ['auth', 'i18n'], what: 'who is signed in (passkeys, roles) and in which language the app speaks' },
  { layer: 'store', folders: ['store'], what: 'the local database and its replication with the server' },
  { layer: 'api', folders: ['api'], what: 'the HTTP client of the server' },
  { layer: 'primitives', folders: ['primitives'], what: 'generic solid helpers that know nothing of the app' },
];

const alternation = (folders) => `(${folders.join('|')})`;

/** One rule per layer: its folders import nothing of app/src that is not in their layer or below. */
function appLayerRules() {
  return APP_LAYERS.map(({ layer, folders, what }, index) => {
    const allowed = APP_LAYERS.slice(index).flatMap((l) => l.folders);
    return rule(
      `app-layer-${layer}`,
      `app/src/${alternation(folders)}/ is the ${layer} layer (${what}): it may import only ${allowed.map((f) => `${f}/`).join(', ')}, never a layer above it nor the root files.`,
      { path: `^app/src/${alternation(folders)}/` },
      { path: '^app/src/', pathNot: `^app/src/${alternation(allowed)}/` },
    );
  });
}

const APP_FOLDERS = APP_LAYERS.flatMap((l) => l.folders);

/**
 * The layers of sync-server/src, top to bottom: main.ts and testing/ (the composition root and the
 * test harness) > http/ (the server, its guards and every route) > hq/ (headquarters: the merged
 * log, evidence, anomaly cases, reconciliation, notifications; no routes) > sync/ (replication: push, pull,
 * blobs, validation) > auth/ (passkeys, sessions, scope) > couch/ (the store: nano, design docs,
 * repositories). config.ts and context.ts (values and types) may be taken by any layer above couch/;
 * env/ is the environment's schema behind config.ts (values only: it imports nothing of the server).
 * Tests (*.test.ts) may use the harness in testing/, which builds the whole server.
 */
const SERVER_PRODUCTION = { pathNot: '\\.test\\.ts$' };
const SERVER_FOLDERS = ['testing', 'http', 'hq', 'sync', 'auth', 'couch', 'env'];

/** Imports between the parts: [rule, from part, parts it must not import, why]. */
const PART_RULES = [
  ['shared-is-independent', 'shared', 'app|device-bridge|sync-server', 'shared/ is the domain core: it imports nothing of app, device-bridge or sync-server.'],
  ['device-bridge-only-shared', 'device-bridge', 'app|sync-server', 'device-bridge/ may import shared/ only, never app/ or sync-server/.'],
  ['sync-server-only-shared', 'sync-server', 'app|device-bridge', 'sync-server/ may import shared/ only, never app/ or device-bridge/.'],
  ['app-not-server', 'app', 'sync-server', 'app/ talks to sync-server over HTTP only, never by import.'],
  ['app-not-device-node', 'app', 'device-bridge/src/node', 'device-bridge/src/node/ holds the Node-only side (CLI, emulated-peripheral harness): never in the app.'],
];

/** Parts that run outside Node (no Node built-in module), and where they run. */
const NODE_FREE_PARTS = [
  ['shared', 'in the browser, in Node and on the device'],
  ['app', 'in the browser'],
];

/** Parts that are packages: reached from outside only through their package.json exports. */
const PACKAGES = ['shared', 'device-bridge'];

/** Server folders that import nothing of the server outside themselves: [rule, folder, why]. */
const SELF_CONTAINED_SERVER_FOLDERS = [
  ['server-couch-at-the-bottom', 'couch', 'sync-server/src/couch/ is the store (nano, design docs, repositories): it imports nothing of the server outside couch/ (not sync/, auth/, http/, nor the root files).'],
  ['server-env-is-values', 'env', 'sync-server/src/env/ (the schema of the environment, behind config.ts) imports nothing of the server outside env/.'],
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...PART_RULES.map(([name, from, to, comment]) => rule(name, comment, { path: `^${from}/` }, { path: `^(${to})/` })),
    ...NODE_FREE_PARTS.map(([part, where]) =>
      rule(`${part}-no-node-builtins`, `${part}/ runs ${where}: no Node-only module.`, { path: `^${part}/` }, { dependencyTypes: ['core'] })),
    ...PACKAGES.map((part) =>
      rule(
        `${part}-only-through-its-entries`,
        `Outside ${part}/, it is imported as @seal/${part} or @seal/${part}/testing (the exports of ${part}/package.json: src/index.ts, src/testing.ts), never by a path past them.`,
        { pathNot: `^${part}/` },
        { path: `^${part}/`, pathNot: `^${part}/src/(index|testing)\\.ts$` },
      )),
    ...appLayerRules(),
    rule(
      'app-folder-has-a-layer',
      `Every folder of app/src belongs to a layer (APP_LAYERS in .dependency-cruiser.cjs): a new folder is placed there before it imports anything. Known: ${APP_FOLDERS.join(', ')}.`,
      { path: '^app/src/[^/]+/', pathNot: `^app/src/${alternation(APP_FOLDERS)}/` },
      {},
    ),
    rule(
      'server-routes-live-in-http',
      'HTTP routes are declared under sync-server/src/http/ only: below it (sync/, auth/, couch/) nothing takes the route registrar (http/api.ts), the server or a route module. The one thing every layer may use is the error the server answers with (http/errors.ts).',
      { path: '^sync-server/src/(hq|sync|auth|couch)/', ...SERVER_PRODUCTION },
      { path: '^sync-server/src/(http|testing)/|^sync-server/src/main\\.ts$', pathNot: '^sync-server/src/http/errors\\.ts$' },
    ),
    rule(
      'server-hq-above-sync',
      'sync-server/src/hq/ (headquarters: the index derived from the replicated rows, evidence, cases, notifications, webhooks, reports) sits on replication: sync/, auth/ and couch/ import nothing from it (sync/ tells it of accepted rows through a listener it is given).',
      { path: '^sync-server/src/(sync|auth|couch)/', ...SERVER_PRODUCTION },
      { path: '^sync-server/src/hq/' },
    ),
    rule(
      'server-auth-below-sync',
      'sync-server/src/auth/ (passkeys, sessions, scope) knows nothing of replication: it imports nothing from sync/.',
      { path: '^sync-server/src/auth/', ...SERVER_PRODUCTION },
      { path: '^sync-server/src/sync/' },
    ),
    ...SELF_CONTAINED_SERVER_FOLDERS.map(([name, folder, comment]) =>
      rule(name, comment, { path: `^sync-server/src/${folder}/`, ...SERVER_PRODUCTION }, { path: '^sync-server/src/', pathNot: `^sync-server/src/${folder}/` })),
    rule(
      'server-folder-has-a-layer',
      `Every folder of sync-server/src belongs to a layer (see above): a new folder is placed in SERVER_FOLDERS and given its rules before it imports anything. Known: ${SERVER_FOLDERS.join(', ')}.`,
      { path: '^sync-server/src/[^/]+/', pathNot: `^sync-server/src/${alternation(SERVER_FOLDERS)}/` },
      {},
    ),
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // tests/fixtures/ holds trees that break the rules on purpose (tests/unit/importRules.test.ts).
    exclude: { path: '(^|/)(node_modules|dist)/|^tests/fixtures/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
