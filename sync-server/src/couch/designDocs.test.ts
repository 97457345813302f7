import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStore, type TestStore } from '../testing/testServer';
import { connectStore } from './store';
import { DESIGN_DOCS, migrateDesignDocs } from './designDocs';
import { DATABASES, prepareStore } from './repositories';

describe('store preparation', () => {
  let testStore: TestStore;
  beforeAll(async () => {
    testStore = await startTestStore();
  });
  afterAll(async () => {
    await testStore?.close();
  });

  it('creates every database and design document once; a re-run (another start) is a no-op', async () => {
    const store = connectStore(testStore.embedded.url, 'embedded', 'mig_', testStore.mac);
    await prepareStore(store);
    const names = await store.couch.db.list();
    for (const logical of DATABASES) expect(names).toContain(`mig_${logical}`);
    expect(await migrateDesignDocs(store)).toEqual([]);
    await prepareStore(store);
  });

  it('rewrites a design document whose version changed, and only that one', async () => {
    const store = connectStore(testStore.embedded.url, 'embedded', 'mig2_', testStore.mac);
    await prepareStore(store);
    const bumped = { ...DESIGN_DOCS, sessions: DESIGN_DOCS.sessions!.map((d) => ({ ...d, version: d.version + 1 })) };
    expect(await migrateDesignDocs(store, bumped)).toEqual(['sessions/_design/sessions']);
    expect(await migrateDesignDocs(store, bumped)).toEqual([]);
  });

  it('lets two servers prepare the same store at once', async () => {
    const a = connectStore(testStore.embedded.url, 'embedded', 'mig3_', testStore.mac);
    const b = connectStore(testStore.embedded.url, 'embedded', 'mig3_', testStore.mac);
    await Promise.all([prepareStore(a), prepareStore(b)]);
    expect(await migrateDesignDocs(a)).toEqual([]);
  });
});
