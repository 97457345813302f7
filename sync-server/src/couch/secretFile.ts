import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Reads a secret kept in a file beside the data, generating it on first start with file mode
 * 0600 (directory 0700). Exclusive create (`wx`): when several servers start at once on a shared
 * volume, one writes and the others read what it wrote. Never in the repository.
 *
 * @param describe - what the secret is, for the log lines (`the store credential`)
 * @param generate - the file's content when it does not exist yet
 * @param log - where to say that it was generated, or that the file is readable by others
 */
export async function readOrCreateSecretFile(path: string, describe: string, generate: () => string, log: (line: string) => void = () => {}): Promise<string> {
  try {
    const mode = (await stat(path)).mode & 0o777;
    if (mode & 0o077) log(`WARNING: ${describe} ${path} is readable by others (mode ${mode.toString(8)}); run: chmod 600 ${path}`);
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  try {
    await writeFile(path, generate(), { mode: 0o600, flag: 'wx' });
    await chmod(path, 0o600); // the umask may have narrowed it further, never widened; be explicit
    log(`Generated ${describe} at ${path} — keep it out of the repository`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFile(path, 'utf8');
}
