import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const vitest = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));

interface JsonReport {
  readonly testResults: readonly { readonly name: string; readonly status: string; readonly message: string }[];
}

/** Runs the files that leak on purpose under the real configuration, in a vitest of their own. */
function runFixtures(): Promise<{ code: number; report: JsonReport }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [vitest, 'run', '--project', 'unit', '--reporter=json', 'tests/fixtures/leaks/'],
      { cwd: root, env: { ...process.env, SEAL_LEAK_FIXTURES: '1', CI: '1' }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout) => {
        const start = stdout.indexOf('{');
        if (start < 0) return reject(new Error(`expected a JSON report from the fixture run, got: ${stdout.slice(0, 500)} (${error?.message ?? 'no error'})`));
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, report: JSON.parse(stdout.slice(start)) as JsonReport });
      },
    );
  });
}

describe('the leak check (tests/setup/leakCheck.ts)', () => {
  it('fails a run whose test file leaves a server or an RxDB database open, naming it, and passes one that closes both', async () => {
    const { code, report } = await runFixtures();
    expect(code).not.toBe(0);
    const byFile = new Map(report.testResults.map((r) => [r.name.slice(r.name.lastIndexOf('/') + 1), r]));
    expect([...byFile.keys()].sort()).toEqual(['closed.leaky.ts', 'database.leaky.ts', 'server.leaky.ts']);
    expect(byFile.get('closed.leaky.ts')?.status).toBe('passed');
    expect(byFile.get('server.leaky.ts')?.status).toBe('failed');
    expect(byFile.get('server.leaky.ts')?.message).toMatch(/a server listening on 127\.0\.0\.1:\d+/);
    expect(byFile.get('database.leaky.ts')?.status).toBe('failed');
    expect(byFile.get('database.leaky.ts')?.message).toContain('RxDB database(s) not closed: "leakydb"');
  }, 180_000);
});
