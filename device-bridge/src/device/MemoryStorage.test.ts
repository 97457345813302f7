import { MemoryStorage } from './MemoryStorage';
import { runStoragePortTests } from './storageSuite.testing';

runStoragePortTests('MemoryStorage', () => {
  const storage = new MemoryStorage();
  return Promise.resolve({ storage, reopen: () => Promise.resolve(storage), teardown: () => Promise.resolve() });
});
