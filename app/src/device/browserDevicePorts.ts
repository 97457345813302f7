import Dexie, { type Table } from 'dexie';
import { deviceKeyFrom, type DeviceKey, type KeyPort, type StoragePort } from '@seal/device-bridge';

interface StoredValue {
  readonly key: string;
  readonly value: Uint8Array;
}

interface StoredKeyPair {
  readonly id: 'identity';
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
}

/**
 * One simulated device's "flash" and "secure element" in this browser's IndexedDB (Dexie), so the
 * demo device keeps its identity key, log, counters and photos across reloads, like a real one.
 * The private key is a non-extractable CryptoKey: IndexedDB keeps it, nothing can read it out.
 */
class SimulatedDeviceDb extends Dexie {
  flash!: Table<StoredValue, string>;
  keys!: Table<StoredKeyPair, string>;

  constructor(name: string, indexedDB?: IDBFactory, keyRange?: typeof IDBKeyRange) {
    super(name, indexedDB && keyRange ? { indexedDB, IDBKeyRange: keyRange } : {});
    this.version(1).stores({ flash: 'key', keys: 'id' });
  }
}

/** The storage and key ports of a simulated device kept in IndexedDB under `name`. */
export interface PersistentDevicePorts {
  readonly storage: StoragePort;
  readonly keys: KeyPort;
  close(): void;
}

export function openPersistentDevicePorts(name: string, options: { indexedDB?: IDBFactory; IDBKeyRange?: typeof IDBKeyRange } = {}): PersistentDevicePorts {
  const db = new SimulatedDeviceDb(name, options.indexedDB, options.IDBKeyRange);
  const storage: StoragePort = {
    async get(key) {
      const found = await db.flash.get(key);
      return found === undefined ? undefined : new Uint8Array(found.value);
    },
    async put(key, value) {
      await db.flash.put({ key, value: value.slice() });
    },
    async delete(key) {
      await db.flash.delete(key);
    },
  };
  const keys: KeyPort = {
    async load(): Promise<DeviceKey | null> {
      const pair = await db.keys.get('identity');
      return pair === undefined ? null : deviceKeyFrom(pair.privateKey, pair.publicKey);
    },
    async generate(): Promise<DeviceKey> {
      const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
      await db.keys.put({ id: 'identity', privateKey: pair.privateKey, publicKey: pair.publicKey });
      return deviceKeyFrom(pair.privateKey, pair.publicKey);
    },
  };
  return { storage, keys, close: () => db.close() };
}
