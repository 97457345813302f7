import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cruise, type ICruiseResult, type IConfiguration } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const require = createRequire(import.meta.url);
const config = require('../../.dependency-cruiser.cjs') as IConfiguration;
const fixture = fileURLToPath(new URL('../fixtures/wrong-import', import.meta.url));
const layerFixture = fileURLToPath(new URL('../fixtures/wrong-layer', import.meta.url));
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

async function violationsIn(baseDir: string, parts = ['shared', 'device-bridge', 'sync-server', 'app']): Promise<Array<{ rule: string; from: string; to: string }>> {
  const { output } = await cruise(parts, {
    baseDir,
    validate: true,
    ruleSet: { forbidden: config.forbidden ?? [] },
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
  });
  const result = output as ICruiseResult;
  return result.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
}

const byRule = (a: { rule: string; from: string }, b: { rule: string; from: string }): number =>
  a.rule.localeCompare(b.rule) || a.from.localeCompare(b.from);

describe('import rules (app → device-bridge → shared, sync-server → shared, parts through their entries)', () => {
  it('flags every wrong import in a tree that breaks the rules', async () => {
    const found = await violationsIn(fixture);
    expect(found).toEqual(
      expect.arrayContaining([
        { rule: 'shared-is-independent', from: 'shared/src/leaks.ts', to: 'sync-server/src/config.ts' },
        { rule: 'shared-no-node-builtins', from: 'shared/src/leaks.ts', to: 'fs' },
        { rule: 'device-bridge-only-shared', from: 'device-bridge/src/usesApp.ts', to: 'app/src/screen.ts' },
        { rule: 'app-not-server', from: 'app/src/screen.ts', to: 'sync-server/src/config.ts' },
      ]),
    );
    // shared importing shared is allowed.
    expect(found.filter((v) => v.from === 'shared/src/fine.ts')).toEqual([]);
  });

  it('flags an import past a package entry, and only that: index.ts and testing.ts are the way in', async () => {
    const found = await violationsIn(fixture);
    expect(found.filter((v) => v.from.endsWith('/deepImport.ts')).sort(byRule)).toEqual([
      { rule: 'device-bridge-only-through-its-entries', from: 'app/src/deepImport.ts', to: 'device-bridge/src/internal.ts' },
      { rule: 'shared-only-through-its-entries', from: 'sync-server/src/deepImport.ts', to: 'shared/src/internal.ts' },
    ]);
  });
});

/** The rules for the layers inside app/ and sync-server/ (the rules between parts are proven above). */
const isLayerRule = (name: string): boolean => /^(app-layer-|app-folder-|server-)/.test(name);

describe('layers inside app/ and sync-server/', () => {
  it('flags each wrong import of the fixture, one per layer rule, and none of its allowed imports', async () => {
    const found = (await violationsIn(layerFixture, ['app', 'sync-server'])).filter((v) => isLayerRule(v.rule));
    // Each file of the fixture makes one wrong import and some allowed ones: exactly these are wrong.
    expect([...found].sort(byRule)).toEqual([
      { rule: 'app-folder-has-a-layer', from: 'app/src/widgets/Widget.ts', to: 'app/src/primitives/leaf.ts' },
      { rule: 'app-layer-api', from: 'app/src/api/client.ts', to: 'app/src/store/leaf.ts' },
      { rule: 'app-layer-components', from: 'app/src/components/Button.ts', to: 'app/src/routes/leaf.ts' },
      { rule: 'app-layer-features', from: 'app/src/requests/feature.ts', to: 'app/src/components/leaf.ts' },
      { rule: 'app-layer-primitives', from: 'app/src/primitives/helper.ts', to: 'app/src/api/leaf.ts' },
      { rule: 'app-layer-screens', from: 'app/src/routes/Screen.ts', to: 'app/src/main.ts' },
      { rule: 'app-layer-session', from: 'app/src/auth/session.ts', to: 'app/src/sync/leaf.ts' },
      { rule: 'app-layer-store', from: 'app/src/store/db.ts', to: 'app/src/auth/leaf.ts' },
      { rule: 'app-layer-sync', from: 'app/src/sync/signals.ts', to: 'app/src/device/leaf.ts' },
      { rule: 'server-auth-below-sync', from: 'sync-server/src/auth/scope.ts', to: 'sync-server/src/sync/leaf.ts' },
      { rule: 'server-couch-at-the-bottom', from: 'sync-server/src/couch/repo.ts', to: 'sync-server/src/sync/leaf.ts' },
      { rule: 'server-env-is-values', from: 'sync-server/src/env/schema.ts', to: 'sync-server/src/couch/docs.ts' },
      { rule: 'server-folder-has-a-layer', from: 'sync-server/src/reports/report.ts', to: 'sync-server/src/http/api.ts' },
      { rule: 'server-hq-above-sync', from: 'sync-server/src/sync/listener.ts', to: 'sync-server/src/hq/leaf.ts' },
      { rule: 'server-routes-live-in-http', from: 'sync-server/src/sync/service.ts', to: 'sync-server/src/http/api.ts' },
    ]);
  });

  it('has a fixture for every layer rule in the config', async () => {
    const layerRules = (config.forbidden ?? []).map((r) => r.name ?? '').filter(isLayerRule);
    const fired = new Set((await violationsIn(layerFixture, ['app', 'sync-server'])).map((v) => v.rule));
    expect(layerRules.length).toBeGreaterThan(0);
    expect(layerRules.filter((name) => !fired.has(name))).toEqual([]);
  });

  it('finds no wrong import in the real tree (what `npm run check:imports` cruises)', async () => {
    const options = await extractDepcruiseOptions(`${repoRoot}/.dependency-cruiser.cjs`);
    const tsConfigFile = `${repoRoot}/tsconfig.json`;
    const { output } = await cruise(
      ['app', 'shared', 'device-bridge', 'sync-server', 'tests', 'bench', 'scripts'],
      { ...options, baseDir: repoRoot, tsConfig: { fileName: tsConfigFile } },
      {},
      { tsConfig: extractTSConfig(tsConfigFile) },
    );
    const result = output as ICruiseResult;
    // The cruise really saw the tree (not an empty pass): each part's entry and the top of each layered part.
    const sources = new Set(result.modules.map((m) => m.source));
    for (const entry of ['app/src/main.tsx', 'app/src/routes/index.ts', 'sync-server/src/http/buildServer.ts', 'shared/src/index.ts', 'device-bridge/src/index.ts']) {
      expect(sources).toContain(entry);
    }
    expect(result.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }))).toEqual([]);
  });
});
