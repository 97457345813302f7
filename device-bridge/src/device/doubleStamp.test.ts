import { MemoryKeys } from './memoryKeys';
import { MemoryStorage } from './MemoryStorage';
import { runDoubleStampTests } from './doubleStamp.testing';

// Memory flash: a reboot keeps the same bytes (what a power cycle does to flash).
runDoubleStampTests('memory flash', () => {
  const storage = new MemoryStorage();
  return Promise.resolve({ storage, keys: new MemoryKeys(), reopen: () => Promise.resolve(storage), teardown: () => Promise.resolve() });
});
