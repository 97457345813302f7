/**
 * Imports flow one way: app → device-bridge → shared, sync-server → shared.
 * shared imports nothing of ours and no Node built-in; nothing imports app or sync-server.
 * `npm test` runs this check; tests/unit/importRules.test.ts proves a wrong import fails it.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'shared-is-independent',
      comment: 'shared/ is the domain core: it imports nothing of app, device-bridge or sync-server.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(app|device-bridge|sync-server)/' },
    },
    {
      name: 'shared-no-node-builtins',
      comment: 'shared/ runs in the browser, in Node and on the device: no Node-only module.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'device-bridge-only-shared',
      comment: 'device-bridge/ may import shared/ only, never app/ or sync-server/.',
      severity: 'error',
      from: { path: '^device-bridge/' },
      to: { path: '^(app|sync-server)/' },
    },
    {
      name: 'sync-server-only-shared',
      comment: 'sync-server/ may import shared/ only, never app/ or device-bridge/.',
      severity: 'error',
      from: { path: '^sync-server/' },
      to: { path: '^(app|device-bridge)/' },
    },
    {
      name: 'app-not-server',
      comment: 'app/ talks to sync-server over HTTP only, never by import.',
      severity: 'error',
      from: { path: '^app/' },
      to: { path: '^sync-server/' },
    },
    {
      name: 'app-not-device-node',
      comment: 'device-bridge/src/node/ holds the Node-only side (CLI, emulated-peripheral harness): never in the app.',
      severity: 'error',
      from: { path: '^app/' },
      to: { path: '^device-bridge/src/node/' },
    },
    {
      name: 'app-no-node-builtins',
      comment: 'app/ runs in the browser: no Node built-in module.',
      severity: 'error',
      from: { path: '^app/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
