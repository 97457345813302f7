import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cruise, type ICruiseResult, type IConfiguration } from 'dependency-cruiser';

const require = createRequire(import.meta.url);
const config = require('../../.dependency-cruiser.cjs') as IConfiguration;
const fixture = fileURLToPath(new URL('../fixtures/wrong-import', import.meta.url));

async function violationsIn(baseDir: string): Promise<Array<{ rule: string; from: string; to: string }>> {
  const { output } = await cruise(['shared', 'device-bridge', 'sync-server', 'app'], {
    baseDir,
    validate: true,
    ruleSet: { forbidden: config.forbidden ?? [] },
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
  });
  const result = output as ICruiseResult;
  return result.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
}

describe('import rules (app → device-bridge → shared, sync-server → shared)', () => {
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
});
