import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStore, type TestStore } from '../testing/testServer';
import { connectStore } from './store';
import { DESIGN_DOCS, migrateDesignDocs } from './designDocs';
import { DATABASES, prepareStore } from './repositories';
import { SYNC_DESIGN_DOCS } from './syncDatabases';

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

  it('puts back a design document rewritten in the store under the same version (a view made to emit other rows, a validation removed)', async () => {
    const store = connectStore(testStore.embedded.url, 'embedded', 'mig4_', testStore.mac);
    await prepareStore(store);
    for (const [logical, change] of [
      ['rows', (doc: Record<string, unknown>) => ({ ...doc, validate_doc_update: 'function () {}' })],
      ['sessions', (doc: Record<string, unknown>) => ({ ...doc, views: { by_expiry: { map: 'function (doc) { emit(0, null); }' } } })],
    ] as const) {
      const db = store.dbName(logical);
      const id = (logical === 'rows' ? SYNC_DESIGN_DOCS : DESIGN_DOCS)[logical]![0]!._id;
      const held = await store.couch.request({ db, method: 'get', path: id }) as Record<string, unknown>;
      await store.couch.request({ db, method: 'put', path: id, body: change(held) });
      expect(await migrateDesignDocs(store, logical === 'rows' ? SYNC_DESIGN_DOCS : DESIGN_DOCS)).toEqual([`${logical}/${id}`]);
      const back = await store.couch.request({ db, method: 'get', path: id }) as Record<string, unknown>;
      expect({ views: back.views, validate_doc_update: back.validate_doc_update }).toEqual({ views: held.views, validate_doc_update: held.validate_doc_update });
    }
  });

  it('lets two servers prepare the same store at once', async () => {
    const a = connectStore(testStore.embedded.url, 'embedded', 'mig3_', testStore.mac);
    const b = connectStore(testStore.embedded.url, 'embedded', 'mig3_', testStore.mac);
    await Promise.all([prepareStore(a), prepareStore(b)]);
    expect(await migrateDesignDocs(a)).toEqual([]);
  });
});
