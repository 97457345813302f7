/**
 * The acceptance suite every {@link StoragePort} runs (test-only). `setup` returns a fresh,
 * empty storage and, to test durability, a way to open the same storage again ("power cycle").
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { StoragePort } from './ports';

export interface StorageHarness {
  readonly storage: StoragePort;
  /** The same storage, reopened as after a restart. */
  reopen(): Promise<StoragePort>;
  teardown(): Promise<void>;
}

export function runStoragePortTests(name: string, setup: () => Promise<StorageHarness>): void {
  describe(`StoragePort acceptance: ${name}`, () => {
    let harness: StorageHarness | undefined;
    const open = async () => (harness = await setup());
    afterEach(async () => {
      await harness?.teardown();
      harness = undefined;
    });

    it('returns undefined for a key never written', async () => {
      const { storage } = await open();
      expect(await storage.get('nothing/here')).toBeUndefined();
    });

    it('stores, overwrites and deletes bytes under path-like keys', async () => {
      const { storage } = await open();
      await storage.put('log/0', Uint8Array.of(1, 2, 3));
      await storage.put('log/0', Uint8Array.of(4));
      await storage.put('photo/12', new Uint8Array(0));
      expect(await storage.get('log/0')).toEqual(Uint8Array.of(4));
      expect(await storage.get('photo/12')).toEqual(new Uint8Array(0));
      await storage.delete('log/0');
      await storage.delete('never/written');
      expect(await storage.get('log/0')).toBeUndefined();
    });

    it('keeps its own copy: changing the bytes after put or get changes nothing stored', async () => {
      const { storage } = await open();
      const value = Uint8Array.of(9, 9);
      await storage.put('k', value);
      value[0] = 0;
      const read = (await storage.get('k'))!;
      read[1] = 0;
      expect(await storage.get('k')).toEqual(Uint8Array.of(9, 9));
    });

    it('keeps what was written across a reopen', async () => {
      const h = await open();
      await h.storage.put('identity', new TextEncoder().encode('{"a":1}'));
      const again = await h.reopen();
      expect(new TextDecoder().decode(await again.get('identity'))).toBe('{"a":1}');
    });
  });
}
