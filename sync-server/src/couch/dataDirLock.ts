import { createRequire } from 'node:module';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok, type Refusal, type Result } from '@seal/shared';

const require = createRequire(import.meta.url);

/** Held for the life of the embedded store: no other process may open the same data directory. */
export interface DataDirLock {
  release(): Promise<void>;
}

interface LevelDown {
  open(options: { createIfMissing: boolean }, callback: (error: Error | null | undefined) => void): void;
  close(callback: (error: Error | null | undefined) => void): void;
}

/** LevelDB answers a held LOCK file with "IO error: lock …/LOCK: <reason>". */
const LOCK_HELD = /\block\b.*\bLOCK\b/;

const holderFile = (lockDir: string): string => join(lockDir, 'holder');

/** The process id the holder wrote, if it is still readable (it may have been removed or not yet written). */
async function holderOf(lockDir: string): Promise<string | undefined> {
  const text = await readFile(holderFile(lockDir), 'utf8').catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  });
  return text !== undefined && /^[0-9]{1,10}$/.test(text.trim()) ? text.trim() : undefined;
}

/**
 * Takes the data directory for this process, with the same lock LevelDB puts on its own files:
 * an OS file lock, so it goes with the process however it ends (even SIGKILL) and a restart is
 * never blocked by a stale lock file. Without it a second instance on the same directory would
 * start, then fail on its first store request with a LevelDB stack trace, or worse, write beside
 * the first.
 */
export async function lockDataDir(dataDir: string): Promise<Result<DataDirLock, Refusal<'data_dir_in_use'>>> {
  const lockDir = join(dataDir, 'instance-lock');
  /* eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- untyped CommonJS package */
  const leveldown: (location: string) => LevelDown = require('leveldown');
  const db = leveldown(lockDir);
  const opened = await new Promise<Error | undefined>((done) => db.open({ createIfMissing: true }, (error) => done(error ?? undefined)));
  if (opened) {
    if (!LOCK_HELD.test(opened.message)) throw opened;
    const holder = await holderOf(lockDir);
    return err({
      code: 'data_dir_in_use',
      message: `DATA_DIR ${dataDir} is in use by another running sync-server${holder ? ` (process ${holder})` : ''}: stop it, or give this one another DATA_DIR`,
    });
  }
  await writeFile(holderFile(lockDir), `${process.pid}\n`, { mode: 0o600 });
  return ok({
    release: () => new Promise<void>((done, fail) => db.close((error) => (error ? fail(error) : done()))),
  });
}
