import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoragePort } from '../device/ports';

/**
 * Storage in a directory, one file per key (the key URI-encoded as the file name), for the
 * simulator in Node. A `put` writes a temporary file, fsyncs it and renames it over the old one,
 * so a value is either the old or the new one after a crash — never half of each, as flash
 * firmware guarantees with its own journal.
 */
export class FileStorage implements StoragePort {
  private constructor(readonly dir: string) {}

  static async open(dir: string): Promise<FileStorage> {
    await mkdir(dir, { recursive: true });
    return new FileStorage(dir);
  }

  private path(key: string): string {
    return join(this.dir, encodeURIComponent(key));
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.path(key)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    const target = this.path(key);
    const temporary = `${target}.tmp`;
    const file = await open(temporary, 'w');
    try {
      await file.writeFile(value);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, target);
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }
}
