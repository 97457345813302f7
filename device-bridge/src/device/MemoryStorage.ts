import type { StoragePort } from './ports';

/** Storage in memory (tests, the browser demo). Copies in and out, like real flash. */
export class MemoryStorage implements StoragePort {
  private readonly data = new Map<string, Uint8Array>();

  get(key: string): Promise<Uint8Array | undefined> {
    const value = this.data.get(key);
    return Promise.resolve(value === undefined ? undefined : value.slice());
  }

  put(key: string, value: Uint8Array): Promise<void> {
    this.data.set(key, value.slice());
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.data.delete(key);
    return Promise.resolve();
  }

  /** Every key (tests inspect and corrupt storage through it). */
  keys(): string[] {
    return [...this.data.keys()];
  }
}
