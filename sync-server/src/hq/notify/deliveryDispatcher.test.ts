import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectStore, type Store } from '../../couch/store';
import { migrateDesignDocs } from '../../couch/designDocs';
import { startTestStore, type TestStore } from '../../testing/testServer';
import { deliveriesRepo, type DeliveryDoc } from './deliveriesRepo';
import { DeliveryDispatcher } from './deliveryDispatcher';
import { NOTIFY_DATABASES, NOTIFY_DESIGN_DOCS } from './notifyDatabases';
import { secretBox } from './secretBox';
import { webhookDocId, webhooksRepo, type WebhookDoc } from './webhooksRepo';

let testStore: TestStore;
let store: Store;
let receiver: Server;
const received: string[] = [];
let url: string;

beforeAll(async () => {
  testStore = await startTestStore();
  store = connectStore(testStore.embedded.url, 'embedded', `d${process.pid}_`, testStore.mac);
  await store.ensureDatabases(['meta', ...NOTIFY_DATABASES]);
  await migrateDesignDocs(store, NOTIFY_DESIGN_DOCS);
  receiver = createServer((req, res) => {
    received.push(String(req.headers['x-seal-event-id']));
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  receiver?.close();
  await testStore?.close();
});

const settings = { keyPath: '', allowPrivateAddresses: true, retryBaseMs: 10, maxAttempts: 3 };
const box = secretBox(randomBytes(32));
const event = (id: string) => ({ id, kind: 'stamp' as const, alarmKind: null, at: 1, unitId: 'u1', sealId: null, deviceId: null, requestId: null, summary: 's' });

/** A dispatcher over the store, as one server instance runs it. */
const instance = () => new DeliveryDispatcher({
  deliveries: deliveriesRepo(store.couch.use(store.dbName('hq_deliveries'))),
  hooks: webhooksRepo(store.couch.use(store.dbName('meta'))),
  box, settings, now: Date.now, warn: (error) => { throw error; },
});

describe('the delivery dispatcher', () => {
  it('sends what an earlier instance left pending, and several instances send each attempt once', async () => {
    const hook: WebhookDoc = { type: 'webhook', id: 'whk_1', url, unitId: 'u1', eventKinds: ['stamp'], alarmKinds: null, description: '', enabled: true, createdAt: 1, createdBy: 'usr_1', secretSealed: box.seal('whk_1', 'whsec_1') };
    await store.couch.use(store.dbName('meta')).insert({ ...hook, _id: webhookDocId(hook.id) });
    // Queued before a "restart": nobody is running to send them.
    const queued: DeliveryDoc[] = Array.from({ length: 12 }, (_, i) => ({
      type: 'delivery', id: `dlv_${i}`, hookId: 'whk_1', eventId: `evt_${i}`, eventKind: 'stamp', status: 'pending', createdAt: 1, nextAttemptAt: 1, attempts: [], event: event(`evt_${i}`), claimedUntil: null,
    }));
    const repo = deliveriesRepo(store.couch.use(store.dbName('hq_deliveries')));
    expect(await repo.createMany(queued)).toBe(12);
    expect(await repo.createMany(queued)).toBe(0);

    // Three instances start at once, as after a deploy.
    const instances = [instance(), instance(), instance()];
    for (const dispatcher of instances) dispatcher.kick();
    await vi.waitFor(async () => expect((await repo.forHook('whk_1', 100)).filter((d) => d.status === 'delivered')).toHaveLength(12), { timeout: 20_000, interval: 50 });
    await Promise.all(instances.map((d) => d.close()));
    expect([...received].sort()).toEqual(queued.map((d) => d.eventId).sort());
    for (const delivery of await repo.forHook('whk_1', 100)) expect(delivery.attempts.map((a) => a.statusCode)).toEqual([204]);
  });
});
