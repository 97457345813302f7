/**
 * Convergence, property-tested: four replicas (RxDB + dexie on fake-indexeddb) of three users
 * and the real sync-server over HTTP on the embedded store. Random edits on every replica
 * (records as Automerge changes, facts), random offline windows, lost answers (so the server
 * sees retries), duplicated pushes, stale and shuffled pulls, pull requests cut in the middle of
 * multi-request pulls, delays, and concurrent edits of the same record by two replicas. Scopes
 * are sparse: another branch writes bursts of rows that cross the server's (lowered) scan cap;
 * the approver's role on a second site is added, revoked and added again mid-run; the site
 * tablet and the approver's phone are two tabs of one browser profile, sharing the cookie jar,
 * whichever person signed in last holding it (the other tab stops, then resumes on sign-in).
 * After a final sync, every replica holds what a fresh replica of its person holds, fresh
 * replicas hold exactly the server's rows in their person's scope, and every fact made anywhere
 * is held exactly once — but for the losers of races made offline (a second creation, a stale
 * lifecycle move), which are refused, stay on their replica only, and drop out of its
 * projections. The server's own rows (alarms about the device log the tablets upload) replicate
 * the same way.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOB_CHUNK_BYTES, chunkCount, nextSealStatuses, findSealTransition, SERVER_AUTHOR, type FactRow, type SealStatus, type SyncRow, type UseRequest } from '@seal/shared';
import { createUnit } from '../../sync-server/src/testing/testServer';
import { fillFeed } from './feedFiller';
import { decision, deviceWithLog, sealMove, sealRecord, useRequest } from './fixtures';
import { changeGrant, openReplica, setUpWorld, startSyncServer, syncAll, type Person, type Replica, type RunningSync, type World } from './harness';
import { CookieJar } from './network';
import { canon, replicaProjections, replicaRows, replicaView, rowDiff, serverProjections, serverRows } from './serverView';

const RUNS = Number(process.env.CONVERGENCE_RUNS ?? 12);
// A failed run replays with the seed and path fast-check printed: CONVERGENCE_SEED=… CONVERGENCE_PATH=…
/** The server's scan cap, lowered so that a burst of another branch's rows crosses it. */
const SCAN_CAP = 40;
const ACTIONS = ['editSeal', 'editSeal', 'sealMove', 'sealMove', 'request', 'request', 'cancel', 'decide', 'decide', 'deviceEvent', 'offline', 'offline', 'faults', 'sync', 'wait', 'noise', 'grant', 'tab', 'attach', 'attach', 'assemblyFault'] as const;
type Action = (typeof ACTIONS)[number];
interface Op { readonly who: number; readonly action: Action; readonly pick: number }

/**
 * What replicas that raced offline may be refused: the second creation of a record, edits built on
 * it, the second of two moves from one status, and a request's purpose edited after an approver
 * decided on it (the site tablet had not seen the decision, or edited all the same: it stays as
 * the approvers read it).
 */
const RACE_REFUSALS: ReadonlySet<string> = new Set(['record_exists', 'missing_dependency', 'stale_transition', 'request_decided']);

/** Which replicas may do an action: 0, 1 the custodian's tablet and phone, 2 the site tablet (staff), 3 the approver's phone. */
const ACTORS: Readonly<Record<Action, readonly number[]>> = {
  editSeal: [0, 1], sealMove: [0, 1], request: [2], cancel: [2], decide: [3], deviceEvent: [0, 1, 2], offline: [0, 1, 2, 3], faults: [0, 1, 2, 3], sync: [0, 1, 2, 3], wait: [0],
  noise: [0], grant: [3], tab: [2], attach: [0, 1, 2], assemblyFault: [0],
};

/** Photo-like bytes: usually one chunk, sometimes two (a page photographed at higher resolution). */
const photo = (pick: number): Uint8Array => Uint8Array.from({ length: pick % 4 === 0 ? BLOB_CHUNK_BYTES + 7 * pick : 300 + 11 * pick }, (_, i) => [0xff, 0xd8, 0xff][i] ?? (i * 31 + pick) % 251);

const opArb: fc.Arbitrary<Op> = fc.record({ who: fc.nat(3), action: fc.constantFrom(...ACTIONS), pick: fc.nat(1000) });

/** A small seeded PRNG, so that a failing run's network faults replay with its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let running: RunningSync;
let world: World;
let run = 0;
let clock = 1_790_000_100_000;
const tick = () => ++clock;

beforeAll(async () => {
  running = await startSyncServer({ PULL_SCAN_LIMIT: String(SCAN_CAP) });
  world = await setUpWorld(running.server);
}, 60_000);
afterAll(async () => running?.close());

async function projected<T>(replica: Replica, subject: string): Promise<{ record: T; derived: Record<string, unknown> } | undefined> {
  await replica.store.whenProjected();
  const doc = await replica.store.projection(subject);
  return doc?.record ? { record: doc.record as T, derived: doc.derived } : undefined;
}

/**
 * Creates a record this replica does not show, or edits it if its creation was pulled meanwhile:
 * the live sync runs on between a look at the projection and the create, and the replica's store
 * refuses a second creation of a record it holds (`record_exists`) — that refusal is right, the race is the
 * test's.
 */
async function createOr(create: () => Promise<unknown>, edit: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (error) {
    if ((error as { code?: string }).code !== 'record_exists') throw error;
    await edit();
  }
}

async function oneRun(ops: readonly Op[], seed: number): Promise<void> {
  run += 1;
  const random = prng(seed);
  const siteId = await createUnit(running.server, world.admin.cookie, world.branchId, `Site ${run}`, 'site');
  // A second site, in the other branch: the custodian keeps a seal there; the approver's read
  // grant on it comes and goes.
  const siteB = await createUnit(running.server, world.admin.cookie, world.otherBranchId, `Site B ${run}`, 'site');
  // One at a time: the audit log appends by sequence number.
  const custodian: Person = await world.person(siteId, ['custodian'], `Custodian ${run}`);
  const staff: Person = await world.person(siteId, ['staff'], `Staff ${run}`);
  const approver: Person = await world.person(siteId, ['approver'], `Approver ${run}`);
  await changeGrant(running.server, world.admin, custodian, 'grant', 'custodian', siteB);
  const replicas = await Promise.all([
    openReplica(running.url, custodian, 'custodian-tablet', { random }),
    openReplica(running.url, custodian, 'custodian-phone', { random }),
    openReplica(running.url, staff, 'site-tablet', { random }),
    openReplica(running.url, approver, 'approver-phone', { random }),
  ]);
  const [c1, , s] = replicas;
  const facts = new Set<string>();
  let approverOnB = false;
  // The site tablet and the approver's phone as two tabs of one browser profile: `shared` holds
  // whoever signed in last; the other tab's replica stops until its person signs in again.
  const profile = new CookieJar(staff.cookie);
  let tabsShared = false;
  let closed = false;
  // Attachments made during the run, and the injected fault that fails a blob's assembly after
  // its last chunk is stored (as a server killed between the two would).
  const attached: { readonly sha256: string; readonly factRowId: string; readonly bytes: Uint8Array; readonly by: Replica }[] = [];
  const blobsDb = running.server.store.couch.use(running.server.store.dbName('blobs'));
  let fault: string | undefined;
  const clearFault = async () => {
    if (fault === undefined) return;
    const rev = fault;
    fault = undefined;
    await blobsDb.destroy('_design/injected_fault', rev).catch(() => blobsDb.destroy('_design/injected_fault', rev));
  };
  try {
    const seals = [`seal-${run}-a`, `seal-${run}-b`];
    const sealB = `seal-${run}-B`;
    const requests = [`req-${run}-a`, `req-${run}-b`];
    // Every run starts from a device, an active seal and a request on it, held everywhere, and
    // an active seal at site B.
    const device = await deviceWithLog(`dev-${run}`, siteId, 5);
    await c1.store.records.create('device', device.record);
    await c1.store.records.create('seal', sealRecord(seals[0]!, siteId, custodian.userId));
    facts.add((await c1.store.facts.append('seal_status_change', sealMove(seals[0]!, null, 'active', custodian.userId, 'custodian', tick()), siteId)).row.id);
    await c1.store.records.create('seal', sealRecord(sealB, siteB, custodian.userId));
    facts.add((await c1.store.facts.append('seal_status_change', sealMove(sealB, null, 'active', custodian.userId, 'custodian', tick()), siteB)).row.id);
    await syncAll(replicas);
    await s.store.records.create('request', useRequest(requests[0]!, staff.userId, siteId, seals[0]!));
    await syncAll(replicas);
    const unitOf = (sealId: string) => (sealId === sealB ? siteB : siteId);

    const apply = async (op: Op): Promise<void> => {
      const actors = ACTORS[op.action];
      const index = actors[op.who % actors.length]!;
      const replica = replicas[index]!;
      const role = index <= 1 ? 'custodian' : index === 2 ? 'staff' : 'approver';
      switch (op.action) {
        case 'offline':
          replica.network.setOnline(!replica.network.online);
          return;
        case 'faults':
          replica.network.faults = { dropAnswer: random() * 0.3, duplicatePush: random() * 0.3, replayPull: random() * 0.2, shufflePulls: random() < 0.5, maxDelayMs: Math.floor(random() * 30), failPull: random() * 0.3 };
          return;
        case 'sync':
          // A tab stopped as signed out does not get in sync: that is the point.
          if (replica.network.online) await Promise.race([replica.sync!.awaitInSync().catch(() => undefined), new Promise((r) => setTimeout(r, 300))]);
          return;
        case 'wait':
          await new Promise((r) => setTimeout(r, 10 + (op.pick % 40)));
          return;
        case 'noise':
          // Another branch writes a burst: this run's sites become sparse across the scan cap.
          await fillFeed(running.server, world.otherBranchId, 10 + (op.pick % (2 * SCAN_CAP)));
          return;
        case 'grant':
          approverOnB = !approverOnB;
          await changeGrant(running.server, world.admin, approver, approverOnB ? 'grant' : 'revoke', 'approver', siteB);
          return;
        case 'tab': {
          const [tablet, phone] = [replicas[2], replicas[3]];
          if (tabsShared && op.pick % 3 === 0) {
            // The profile is left: each goes back to its own device and session.
            tabsShared = false;
            for (const r of [tablet, phone]) {
              r.network.useJar(new CookieJar(r.person.cookie));
              r.sync!.resume();
            }
            return;
          }
          tabsShared = true;
          const signedIn = op.pick % 2 === 0 ? tablet : phone;
          profile.cookie = signedIn.person.cookie;
          tablet.network.useJar(profile);
          phone.network.useJar(profile);
          signedIn.sync!.resume();
          return;
        }
        case 'editSeal': {
          if (role !== 'custodian') return;
          const sealId = [...seals, sealB][op.pick % 3]!;
          const rename = () => replica.store.records.update('seal', sealId, (doc) => void ((doc as { name: string }).name = `印章 ${op.pick}`));
          if (await projected(replica, `seal:${sealId}`)) await rename();
          else await createOr(() => replica.store.records.create('seal', sealRecord(sealId, unitOf(sealId), custodian.userId)), rename);
          return;
        }
        case 'sealMove': {
          if (role !== 'custodian') return;
          const sealId = [...seals, sealB][op.pick % 3]!;
          const seal = await projected(replica, `seal:${sealId}`);
          if (!seal) return;
          const from = seal.derived.status as SealStatus | null;
          const moves = nextSealStatuses(from).filter((to) => findSealTransition(from, to)?.roles.includes('custodian'));
          if (moves.length === 0) return;
          const { row } = await replica.store.facts.append('seal_status_change', sealMove(sealId, from, moves[op.pick % moves.length]!, custodian.userId, 'custodian', tick()), unitOf(sealId));
          facts.add(row.id);
          return;
        }
        case 'request': {
          if (role !== 'staff') return;
          const requestId = requests[op.pick % 2]!;
          const sealId = seals.find((id) => id.endsWith(op.pick % 3 === 0 ? 'a' : 'b'))!;
          const repurpose = () => replica.store.records.update('request', requestId, (doc) => void ((doc as { purpose: string }).purpose = `purpose ${op.pick}`));
          if (await projected(replica, `request:${requestId}`)) await repurpose();
          else if (await projected(replica, `seal:${sealId}`)) await createOr(() => replica.store.records.create('request', useRequest(requestId, staff.userId, siteId, sealId)), repurpose);
          return;
        }
        case 'cancel': {
          if (role !== 'staff') return;
          const requestId = requests[op.pick % 2]!;
          if (!(await projected(replica, `request:${requestId}`))) return;
          const at = tick();
          const { row } = await replica.store.facts.append('cancellation', { id: `${requestId}:cancel:${staff.userId}:${at}`, requestId, actorId: staff.userId, reason: 'no longer needed', at } as never, siteId);
          facts.add(row.id);
          return;
        }
        case 'decide': {
          if (role !== 'approver') return;
          const request = await projected<UseRequest>(replica, `request:${requests[op.pick % 2]!}`);
          if (!request) return;
          const { row } = await replica.store.facts.append('decision', await decision(approver, request.record, op.pick % 3 === 0 ? 'reject' : 'approve', tick()), siteId);
          facts.add(row.id);
          return;
        }
        case 'attach': {
          if (role === 'approver') return;
          const bytes = photo(op.pick);
          const added = await replica.store.attachments.add({ bytes, about: `request:${requests[op.pick % 2]!}`, mime: 'image/jpeg' }, siteId);
          facts.add(added.factRowId);
          attached.push({ ...added, bytes, by: replica });
          return;
        }
        case 'assemblyFault': {
          if (fault !== undefined) return clearFault();
          const inserted = await blobsDb.insert({
            _id: '_design/injected_fault',
            validate_doc_update: "function (doc) { if (doc._id.indexOf('blob:') === 0) throw({ forbidden: 'injected fault: the assembly fails' }); }",
          } as never);
          fault = inserted.rev;
          return;
        }
        case 'deviceEvent': {
          if (role === 'approver') return;
          // The same entry may be uploaded by several tablets: one fact, whoever brings it first.
          const { row } = await replica.store.facts.append('device_event', device.log[op.pick % device.log.length]!, siteId);
          facts.add(row.id);
          return;
        }
      }
    };
    for (const op of ops) await apply(op);
    await clearFault();
    // The tabs are closed: each replica back on its own session, and syncing.
    for (const r of [replicas[2], replicas[3]]) {
      r.network.useJar(new CookieJar(r.person.cookie));
      r.sync?.resume();
    }
    await syncAll(replicas);
    // Every attachment's upload ends: the server says the blob is complete (the replica asks again
    // after a failed assembly; it never takes "all chunks held" for done).
    for (const { sha256, by } of attached) {
      const deadline = Date.now() + 30_000;
      while ((await by.store.book.blob(sha256))?.state !== 'uploaded') {
        if (Date.now() > deadline) throw new Error(`the upload of ${sha256} on ${by.name} did not finish`);
        await new Promise((r) => setTimeout(r, 25));
      }
    }

    const held = (await serverRows(running.server)).filter((r) => r.scopeUnitId === siteId || r.scopeUnitId === siteB);
    // Replicas that were offline can race: two creations of one seal (the second is refused,
    // `record_exists`, and edits built on it miss their dependency), two lifecycle moves from one
    // status (the second to arrive is `stale_transition`). Those are the only refusals; a refused
    // row stays on its replica, marked, and is held nowhere else (docs/adr/001, 003).
    const refusals = replicas.flatMap((replica) => replica.store.status.get().refusals);
    expect(refusals.filter((r) => !RACE_REFUSALS.has(r.code)), 'refusals other than lost races').toEqual([]);
    const refused = new Set(refusals.map((r) => r.id));
    const heldFacts = held.filter((r) => r.type === 'fact' && r.author !== SERVER_AUTHOR).map((r) => r.id).sort();
    expect(heldFacts).toEqual([...facts].filter((id) => !refused.has(id)).sort());
    // The server's own alarms: the tablets upload random entries of an honest log, in random
    // order, so the only thing it can notice is entries missing below others (never a fork or a
    // bad signature) — and whatever the order, what stays open is exactly the entries missing just
    // below held ones; every gap whose entry arrived since is resolved.
    const serverFacts = held.flatMap((r) => (r.type === 'fact' && r.author === SERVER_AUTHOR ? [r] : []));
    expect(serverFacts.filter((r) => r.body.kind !== 'log_gap').map((r) => r.id)).toEqual([]);
    const deviceId = device.log[0]!.deviceId;
    const ofDevice = (r: SyncRow): r is FactRow => r.type === 'fact' && (r.kind === 'device_event' ? r.body.deviceId === deviceId : String(r.body.id).includes(`:${deviceId}:`));
    const entriesHeld = new Set(held.filter(ofDevice).flatMap((r) => (r.kind === 'device_event' ? [r.body.seq as number] : [])));
    const resolvedIds = new Set(serverFacts.filter((r) => ofDevice(r) && r.kind === 'alarm_resolution').map((r) => r.body.id));
    const openGaps = serverFacts.filter((r) => ofDevice(r) && r.kind === 'alarm' && !resolvedIds.has(r.body.id)).map((r) => String(r.body.ref)).sort();
    const missingBelowHeld = [...entriesHeld].filter((seq) => seq > 0 && !entriesHeld.has(seq - 1)).map((seq) => `${deviceId}:${seq - 1}`).sort();
    expect(openGaps, `entries of ${deviceId} held: ${[...entriesHeld].sort().join(',')}`).toEqual(missingBelowHeld);
    // Concurrent edits of one seal on two replicas merged the same way everywhere.
    const names = await Promise.all(replicas.map(async (r) => (await projected<{ name: string }>(r, `seal:${seals[0]!}`))?.record.name ?? null));
    expect(new Set(names).size).toBe(1);
    const views = await Promise.all(replicas.map((r) => replicaView(r)));
    const trails = (id: string) => replicas.map((r) => `${r.name}:[${(r.network.trail.get(id) ?? []).join(',')}]`).join(' ');
    // RxDB's open core allows 13 collections per JS context: the fresh replicas open after these close.
    closed = true;
    await Promise.all(replicas.map((r) => r.close()));

    // A fresh replica of each person holds exactly the server's rows in their scope today, and
    // every replica of theirs holds what the fresh one does.
    const scopes: [Person, readonly string[]][] = [[custodian, [siteId, siteB]], [staff, [siteId]], [approver, approverOnB ? [siteId, siteB] : [siteId]]];
    for (const [person, units] of scopes) {
      const owed = held.filter((r) => units.includes(r.scopeUnitId));
      const fresh = await openReplica(running.url, person, `fresh-${person.userId}`);
      try {
        await syncAll([fresh]);
        const rows = await replicaRows(fresh);
        expect(canon(rows), `fresh replica of ${person.userId}: ${rowDiff(rows, owed)}`).toBe(canon(owed));
        expect(canon(await replicaProjections(fresh)), `fresh replica of ${person.userId} projections`).toBe(canon(serverProjections(owed)));
        const freshView = await replicaView(fresh);
        replicas.forEach((replica, i) => {
          if (replica.person !== person) return;
          const view = views[i]!;
          const mine = { rows: view.rows.filter((row) => !refused.has(row.id)), projections: view.projections };
          const differing = mine.rows.filter((r) => { const h = owed.find((x) => x.id === r.id); return h === undefined || canon(r) !== canon(h); });
          expect(canon(mine.rows), `${replica.name} rows against a fresh replica: ${rowDiff(mine.rows, freshView.rows)} (${differing.map((r) => trails(r.id)).join('; ')})`).toBe(canon(freshView.rows));
          expect(canon(mine.projections), `${replica.name} projections against a fresh replica`).toBe(canon(freshView.projections));
        });
      } finally {
        await fresh.close();
      }
    }
    // Every attachment is downloadable by a fresh replica of a colleague at the site, byte for
    // byte, and the server holds each blob's chunks once, nothing left staged.
    if (attached.length > 0) {
      const office = await openReplica(running.url, custodian, `fresh-office-${run}`);
      try {
        await syncAll([office]);
        for (const { sha256, factRowId, bytes } of attached) {
          expect(await office.store.attachments.bytes(sha256, factRowId, office.sync!.client), `attachment ${sha256}`).toEqual(bytes);
        }
      } finally {
        await office.close();
      }
      const ids = async (prefix: string) => (await blobsDb.list({ startkey: prefix, endkey: `${prefix}\ufff0` })).rows.map((row) => row.id);
      for (const sha of new Set(attached.map((a) => a.sha256))) {
        expect(await ids(`chunk:${sha}:`), `chunks of ${sha}`).toHaveLength(chunkCount(attached.find((a) => a.sha256 === sha)!.bytes.length));
        expect(await ids(`part:${sha}:`), `staged parts of ${sha}`).toEqual([]);
      }
    }
    if (process.env.CONVERGENCE_DEBUG) console.log(`run ${run}: ${held.length} rows, ${facts.size} facts, approver on B: ${approverOnB}, attachments ${attached.length}, assembly fault toggled ${ops.filter((o) => o.action === 'assemblyFault').length}, pushes ${replicas.map((r) => r.network.counts.get('/api/sync/push') ?? 0).join('/')}`);
  } finally {
    if (!closed) await Promise.all(replicas.map((r) => r.close()));
  }
}

describe('convergence of replicas through the sync-server', () => {
  it(`holds for ${RUNS} random interleavings of edits, offline windows and faulty deliveries`, async () => {
    await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 15, maxLength: 35 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), oneRun), { numRuns: RUNS, endOnFailure: true, ...(process.env.CONVERGENCE_SEED ? { seed: Number(process.env.CONVERGENCE_SEED), path: process.env.CONVERGENCE_PATH } : {}) });
  }, 600_000);
});
