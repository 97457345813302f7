import type { DocumentScope } from 'nano';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStore, type TestStore } from '../testing/testServer';
import type { SessionDoc } from './model';
import { sessionsRepo } from './sessionsRepo';
import { connectStore, type Store } from './store';

describe('revoking a session', () => {
  let testStore: TestStore;
  let store: Store;

  beforeAll(async () => {
    testStore = await startTestStore();
    store = connectStore(testStore.embedded.url, 'embedded', 'sessionsrevoke_', testStore.mac);
    await store.ensureDatabases(['sessions']);
  }, 60_000);
  afterAll(async () => testStore?.close());

  const session = (now: number): SessionDoc => ({ type: 'session', userId: 'u1', credentialId: 'c1', createdAt: now, lastSeenAt: now, expiresAt: now + 3_600_000, idleExpiresAt: now + 600_000 });

  it('revokes it even when a request of its user touches it at that very moment', async () => {
    const db = store.couch.use<SessionDoc>(store.dbName('sessions'));
    const plain = sessionsRepo(db);
    const now = Date.now();
    await plain.create('token-raced', session(now));
    // The revocation's write lands just after the session's idle deadline moved (its user's request): a conflict.
    let touched = 0;
    const racing = new Proxy(db, {
      get(target, key, receiver) {
        if (key !== 'bulk') return Reflect.get(target, key, receiver) as unknown;
        return async (...args: Parameters<DocumentScope<SessionDoc>['bulk']>) => {
          if (touched++ === 0) await plain.touch('token-raced', now + 1_000, 600_000);
          return target.bulk(...args);
        };
      },
    });
    await sessionsRepo(racing).revoke('token-raced', now + 2_000);
    expect(touched).toBe(2);
    expect((await plain.get('token-raced'))?.revokedAt).toBe(now + 2_000);
  });
});
