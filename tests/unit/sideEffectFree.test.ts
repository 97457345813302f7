/**
 * vite.config.ts tells the bundler that device-bridge's browser-side modules have no side effects,
 * so that a module whose exports a chunk does not use is left out of it (the reference device off
 * the first page). That is only true while none of them runs a statement at its top level for its
 * effect: a bundler told otherwise would silently drop it. This test holds every one of them to it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEVICE_BRIDGE_SRC = join(REPO_ROOT, 'device-bridge/src');
const SHARED_SRC = join(REPO_ROOT, 'shared/src');

/** shared's modules as vite.config.ts declares them: every one but tests. */
function sharedModules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sharedModules(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** device-bridge's modules as vite.config.ts declares them: all but tests and the Node-only `node/`. */
function browserSideModules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return relative(DEVICE_BRIDGE_SRC, path) === 'node' ? [] : browserSideModules(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/**
 * Top-level statements that do something when the module is loaded: not imports, exports or
 * declarations (a variable's initialiser is taken to build its value, as `const` tables do here).
 */
function effectfulStatements(path: string): string[] {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const declares = (statement: ts.Statement): boolean =>
    ts.isImportDeclaration(statement) ||
    ts.isImportEqualsDeclaration(statement) ||
    ts.isExportDeclaration(statement) ||
    ts.isFunctionDeclaration(statement) ||
    ts.isClassDeclaration(statement) ||
    ts.isInterfaceDeclaration(statement) ||
    ts.isTypeAliasDeclaration(statement) ||
    ts.isEnumDeclaration(statement) ||
    ts.isModuleDeclaration(statement) ||
    ts.isVariableStatement(statement) ||
    ts.isEmptyStatement(statement);
  const classesWithStaticBlocks = source.statements.filter((s) => ts.isClassDeclaration(s) && s.members.some((m) => ts.isClassStaticBlockDeclaration(m)));
  return [...source.statements.filter((s) => !declares(s)), ...classesWithStaticBlocks].map(
    (s) => `${relative(REPO_ROOT, path)}:${source.getLineAndCharacterOfPosition(s.getStart()).line + 1}: ${s.getText().split('\n')[0]}`,
  );
}

describe("device-bridge's browser-side modules and shared's, declared side-effect free to the bundler", () => {
  it('run nothing at their top level: only imports, exports and declarations', () => {
    const modules = browserSideModules(DEVICE_BRIDGE_SRC);
    expect(modules.length).toBeGreaterThan(20);
    expect(modules.flatMap(effectfulStatements)).toEqual([]);
  });

  it("and shared's modules too (the `@seal/shared` barrel must not put headquarters' schemas on the first page)", () => {
    const modules = sharedModules(SHARED_SRC);
    expect(modules.length).toBeGreaterThan(100);
    expect(modules.flatMap(effectfulStatements)).toEqual([]);
  });

  it('the check sees a top-level call, a top-level loop and a class static block', () => {
    const dir = fileURLToPath(new URL('../fixtures/side-effects', import.meta.url));
    expect(effectfulStatements(join(dir, 'registers.ts')).map((line) => line.replace(/^.*?:\d+: /, ''))).toEqual([
      'registerTransport(transport);',
      'for (const name of ["a", "b"]) registerTransport({ name });',
      'export class Registry {',
    ]);
  });
});
