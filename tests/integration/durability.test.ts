/**
 * Durability: the real sync-server process is killed with SIGKILL while a replica pushes a
 * backlog in parallel batches, then started again on the same store. Every row it acknowledged
 * before dying is there; the replica's retries (of batches the server may or may not have
 * written) come back as duplicates and create no second copy; every row is stored once, never
 * rewritten (revision 1).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftAuthenticator } from '../../sync-server/src/testing/softAuthenticator';
import { openReplica, type Person, type Replica } from './harness';
import { startServerProcess, type ServerProcess } from './serverProcess';

const ROWS = 1200;
let proc: ServerProcess;
let admin: Person & { rootUnitId: string };

async function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${proc.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: proc.origin }, body: JSON.stringify(body) });
}

/** First-start setup over HTTP with a software passkey: the administrator's session. */
async function setUpOverHttp(): Promise<Person & { rootUnitId: string }> {
  const authenticator = new SoftAuthenticator(proc.origin, 'localhost');
  const options = await post('/api/setup/options', { setupCode: await proc.setupCode(), adminName: 'Admin', organisationName: 'HQ' });
  expect(options.status).toBe(200);
  const done = await post('/api/setup/verify', { response: await authenticator.register((await options.json()) as Parameters<SoftAuthenticator['register']>[0]) });
  expect(done.status).toBe(201);
  const cookie = done.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.includes('sealctl_session'))!;
  const body = (await done.json()) as { user: { id: string }; unit: { id: string }; credential: { id: string } };
  return { userId: body.user.id, rootUnitId: body.unit.id, credentialId: body.credential.id, cookie, authenticator };
}

/** Every row id the server holds for the administrator (whole tree), through the scoped pull. */
async function heldIds(): Promise<string[]> {
  const ids: string[] = [];
  let since = '0';
  for (;;) {
    const res = await fetch(`${proc.url}/api/sync/pull?since=${since}&limit=1000`, { headers: { cookie: admin.cookie } });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { rows: { id: string }[]; checkpoint: string };
    ids.push(...page.rows.map((r) => r.id));
    since = page.checkpoint;
    if (page.rows.length < 1000) return ids;
  }
}

beforeAll(async () => {
  proc = await startServerProcess();
  admin = await setUpOverHttp();
}, 90_000);
afterAll(async () => proc?.stop());

describe('a server killed mid-push', () => {
  it('keeps every row it acknowledged, and retries add no duplicates', async () => {
    const replica: Replica = await openReplica(proc.url, admin, 'durable', { pushBatchSize: 40, retryTimeMs: 100 });
    try {
      // Caught up first. A fresh replica is back-filled while it pushes, and a back-fill brings every
      // row of its scope, its own too (a unit that comes back into a scope must bring back the rows
      // dropped when it left); a row pulled is on the server, so it leaves the outbox without going
      // up again. The batch whose answer is lost would then reach the replica by its pull, not come
      // back `duplicate` to its retry (the full suite failed so, twice, on a loaded machine). Once
      // caught up, its pulls leave its own rows out.
      replica.start({ live: false });
      await replica.sync!.awaitInSync();
      await replica.stop();
      const acknowledged = new Set<string>();
      let duplicates = 0;
      let killed: Promise<void> | undefined;
      let inFlightAtKill = 0;
      replica.network.onPushAnswer = ({ results }) => {
        for (const r of results) {
          if (r.status === 'accepted' || r.status === 'duplicate') acknowledged.add(r.id);
          if (r.status === 'duplicate') duplicates++;
        }
      };
      // Once a third is acknowledged, the next push is cut short: the server dies while handling it.
      replica.network.onPushSent = () => {
        if (killed || acknowledged.size < ROWS / 3) return;
        killed = new Promise((r) => setTimeout(r, 8)).then(async () => {
          // Between two pushes nothing is in flight: the server dies while it handles the next one.
          while (replica.network.inFlight === 0) await new Promise((r) => setImmediate(r));
          inFlightAtKill = replica.network.inFlight;
          return proc.kill('SIGKILL');
        });
      };
      const bodies = Array.from({ length: ROWS }, (_, i) => ({
        sha256: i.toString(16).padStart(64, '0'), about: `request:r-${i % 50}`, mime: 'image/jpeg' as const, size: 1000 + i, at: 1_790_000_000_000 + i,
      }));
      for (let i = 0; i < ROWS; i += 100) await replica.store.facts.appendMany('attachment', bodies.slice(i, i + 100), admin.rootUnitId);
      // The first answer is lost on its way back: the server stored the batch, the replica retries it.
      replica.network.dropNextAnswers = 1;
      replica.start({ live: false });
      while (!killed) await new Promise((r) => setTimeout(r, 10));
      await killed;
      const acknowledgedBeforeKill = [...acknowledged];
      expect(inFlightAtKill, 'pushes in flight when the server died').toBeGreaterThan(0);

      await proc.restart();
      const held = new Set(await heldIds());
      expect(acknowledgedBeforeKill.filter((id) => !held.has(id)), 'acknowledged rows lost').toEqual([]);

      // The replica retries on its own and finishes.
      await replica.sync!.awaitInSync();
      expect(await replica.store.book.outboxIds()).toEqual([]);
      expect(replica.store.status.get().refusals).toEqual([]);
      const finalIds = await heldIds();
      expect(finalIds.length).toBe(ROWS);
      expect(new Set(finalIds).size).toBe(ROWS);
      expect(duplicates, 'retried rows the server already held').toBeGreaterThan(0);

      // Straight from the store's files: each row written once, never rewritten.
      await proc.stop(true);
      const require = createRequire(import.meta.url);
      const PouchDB = require('pouchdb-node') as new (path: string) => { allDocs(): Promise<{ rows: { id: string; value: { rev: string } }[] }>; close(): Promise<void> };
      const rows = new PouchDB(join(proc.dataDir, 'couch', 'sealctl_rows'));
      const all = (await rows.allDocs()).rows.filter((r) => !r.id.startsWith('_design/'));
      await rows.close();
      expect(all.length).toBe(ROWS);
      expect(all.filter((r) => !r.value.rev.startsWith('1-'))).toEqual([]);
    } finally {
      await replica.close();
    }
  }, 120_000);
});
