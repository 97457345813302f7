/**
 * Scoped pulls (ADR 010) against rows this file writes itself: whatever the scope does — a grant
 * added later, a grant revoked, a site moved into or out of a granted branch, a person
 * deactivated — a replica pulling through the server's HTTP pull receives exactly the rows of the
 * units in its scope, each once per need, and is told which units left. Rows written while a
 * back-fill is under way, with ids sorting before the index position it already passed (a row
 * committed late), still arrive; so do rows written through a second server instance on the same
 * store. Small batches (`limit`) so that every back-fill spans several requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { REPLICA_USER_HEADER, type PullResponse } from '@seal/shared';
import { createUnit, startTestServer, type TestServer } from '../../sync-server/src/testing/testServer';
import { unitDigest } from '../../sync-server/src/sync/pullCheckpoint';
import { SCOPE_DESIGN, SCOPE_VIEW } from '../../sync-server/src/couch/syncDatabases';
import type { FeedReadAhead } from '../../sync-server/src/sync/feedReadAhead';
import { changeGrant, setUpWorld, startSyncServer, type Person, type RunningSync, type World } from './harness';

let running: RunningSync;
let world: World;
let east: string;
let west: string;
let e1: string;
let e2: string;
let w1: string;
/** Every row this file wrote, by unit. */
const written = new Map<string, string[]>();
const unitOfRow = new Map<string, string>();
let counter = 0;

/** Writes `count` rows of `unitId` straight into the store (bypassing the push path); `prefix` picks where their ids sort. */
async function write(unitId: string, count: number, prefix = 'm', server: TestServer = running.server): Promise<string[]> {
  const db = server.store.couch.use(server.store.dbName('rows'));
  const docs = Array.from({ length: count }, () => {
    const id = `fact:device_event:${prefix}-${process.pid}-${(++counter).toString().padStart(6, '0')}`;
    return { _id: id, id, type: 'fact', kind: 'device_event', subject: `device:scoped-${unitId}`, scopeUnitId: unitId, author: 'scoped', createdAt: 1_790_000_000_000 + counter, body: { n: counter } };
  });
  const results = await db.bulk({ docs });
  expect(results.filter((r) => r.error)).toEqual([]);
  const ids = docs.map((d) => d.id);
  for (const id of ids) unitOfRow.set(id, unitId);
  written.set(unitId, [...(written.get(unitId) ?? []), ...ids]);
  return ids;
}

const rowsOf = (...units: string[]) => units.flatMap((u) => written.get(u) ?? []).sort();

/** A replica that pulls over HTTP and remembers its checkpoint; `between` runs between requests. */
class Puller {
  checkpoint: string | undefined;
  /** What the replica holds: rows received, less those of units it was told left. */
  readonly held = new Set<string>();
  constructor(private readonly person: Person, private readonly url: () => string = () => running.url) {}

  async request(limit: number): Promise<{ status: number; page?: PullResponse }> {
    const query = new URLSearchParams({ limit: String(limit), replica: `puller-${this.person.userId}`, ...(this.checkpoint ? { since: this.checkpoint } : {}) });
    const res = await fetch(`${this.url()}/api/sync/pull?${query}`, { headers: { cookie: this.person.cookie, 'sec-fetch-site': 'same-origin', [REPLICA_USER_HEADER]: this.person.userId } });
    if (res.status !== 200) return { status: res.status };
    const page = (await res.json()) as PullResponse;
    this.checkpoint = page.checkpoint;
    for (const id of [...this.held]) if (page.left.includes(unitOfRow.get(id)!)) this.held.delete(id);
    for (const row of page.rows) this.held.add(row.id);
    return { status: 200, page };
  }

  /** Pulls until `more` is false: every row received (ids, with repeats), the units named as left, the `remaining` of each answer. */
  async all(limit = 7, between?: (request: number) => Promise<void>): Promise<{ ids: string[]; left: string[]; remaining: number[] }> {
    const ids: string[] = [];
    const left = new Set<string>();
    const remaining: number[] = [];
    for (let n = 0; n < 10_000; n++) {
      const { status, page } = await this.request(limit);
      if (!page) throw new Error(`pull answered ${status}`);
      ids.push(...page.rows.map((r) => r.id));
      for (const unit of page.left) left.add(unit);
      remaining.push(page.remaining);
      if (!page.more) break;
      await between?.(n);
    }
    return { ids, left: [...left].sort(), remaining };
  }
}

const distinct = (ids: readonly string[]) => [...new Set(ids)].sort();

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  east = world.branchId;
  west = world.otherBranchId;
  e1 = world.siteId;
  e2 = await createUnit(running.server, world.admin.cookie, east, 'East 2', 'site');
  w1 = await createUnit(running.server, world.admin.cookie, west, 'West 1', 'site');
  // Interleaved: every unit's rows spread through the change feed.
  for (let round = 0; round < 3; round++) for (const unit of [e1, e2, w1, east, west]) await write(unit, 9);
}, 120_000);
afterAll(async () => running?.close());

describe('a site replica', () => {
  let person: Person;
  let tablet: Puller;
  beforeAll(async () => {
    person = await world.person(e1, ['custodian'], 'Site custodian');
    tablet = new Puller(person);
  });

  it('receives exactly its site\'s rows when fresh, with progress counting its rows, not the store\'s', async () => {
    const got = await tablet.all();
    expect(distinct(got.ids)).toEqual(rowsOf(e1));
    expect(got.ids).toHaveLength(rowsOf(e1).length);
    expect(got.left).toEqual([]);
    // 27 rows owed at first (the site's), never the 135 the store holds; down to none.
    expect(got.remaining[0]).toBe(rowsOf(e1).length - 7);
    expect(got.remaining.at(-1)).toBe(0);
    expect(got.remaining.every((n, i) => i === 0 || n <= got.remaining[i - 1]!)).toBe(true);
  });

  it('then receives only new rows of its site', async () => {
    const fresh = await write(e1, 5);
    await write(w1, 5);
    await write(e2, 5);
    expect(distinct((await tablet.all()).ids)).toEqual([...fresh].sort());
  });

  it('receives the whole history of a unit granted later — and nothing more — and stops receiving it once revoked', async () => {
    await changeGrant(running.server, world.admin, person, 'grant', 'custodian', w1);
    const newE1 = await write(e1, 3);
    const got = await tablet.all();
    expect(distinct(got.ids)).toEqual([...rowsOf(w1), ...newE1].sort());
    expect(got.left).toEqual([]);

    const laterW1 = await write(w1, 4);
    expect(distinct((await tablet.all()).ids)).toEqual([...laterW1].sort());

    await changeGrant(running.server, world.admin, person, 'revoke', 'custodian', w1);
    await write(w1, 4);
    const lastE1 = await write(e1, 2);
    const after = await tablet.all();
    expect(after.left).toEqual([w1]);
    expect(distinct(after.ids)).toEqual([...lastE1].sort());
    expect([...tablet.held].sort()).toEqual(rowsOf(e1));
    // Told once: the next pull names nothing.
    expect((await tablet.all()).left).toEqual([]);
  });

  it('receives rows written during its back-fill, also those whose ids sort before where the index read had got to', async () => {
    const late = new Puller(person);
    const during: string[] = [];
    const got = await late.all(4, async (n) => {
      // Ids sorting first ('a…') and last ('z…'): the first are behind the index position.
      if (n % 2 === 0) during.push(...(await write(e1, 2, 'a')), ...(await write(e1, 1, 'z')));
    });
    expect(during.length).toBeGreaterThan(0);
    expect(distinct(got.ids)).toEqual(rowsOf(e1));
  });

  it('receives the rows another server instance on the same store writes between its requests', async () => {
    const second = await startTestServer(running.store, { DB_PREFIX: running.server.store.dbName('') });
    await second.app.listen({ port: 0, host: '127.0.0.1' });
    const secondUrl = `http://127.0.0.1:${(second.app.server.address() as AddressInfo).port}`;
    try {
      // Requests alternate between the two instances; each writes rows meanwhile.
      let turn = 0;
      const alternating = new Puller(person, () => (turn++ % 2 ? secondUrl : running.url));
      const got = await alternating.all(5, async (n) => {
        if (n < 8) await Promise.all([write(e1, 2, n % 2 ? 'a' : 'z'), write(e1, 2, 'b', second), write(w1, 2, 'a', second)]);
      });
      expect(distinct(got.ids)).toEqual(rowsOf(e1));
      // The replica that pulled before all this, back: it holds its site's rows, all of them, and no other.
      await tablet.all(6);
      expect([...tablet.held].sort()).toEqual(rowsOf(e1));
    } finally {
      second.app.server.closeAllConnections();
      await second.close();
    }
  }, 90_000);
});

describe('a back-fill over a scope index that lags the store (read as it stands, the rest from the feed)', () => {
  let stale: TestServer;
  let staleUrl: string;
  beforeAll(async () => {
    // A second instance on the same databases that reads a lagging index as it stands at any lag.
    stale = await startTestServer(running.store, { DB_PREFIX: running.server.store.dbName(''), PULL_STALE_INDEX_FROM: '0' });
    await stale.app.listen({ port: 0, host: '127.0.0.1' });
    staleUrl = `http://127.0.0.1:${(stale.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    stale.app.server.closeAllConnections();
    await stale.close();
  });
  const rowsDb = () => running.server.store.couch.use(running.server.store.dbName('rows'));
  /** Changes the scope index has not taken in (read without making it take them in). */
  async function lag(): Promise<number> {
    const view = await rowsDb().view(SCOPE_DESIGN, SCOPE_VIEW, { limit: 0, reduce: false, stale: 'ok', update_seq: true } as never) as unknown as { update_seq: number };
    return Number((await rowsDb().info()).update_seq) - Number(view.update_seq);
  }
  const bringIndexUpToDate = () => rowsDb().view(SCOPE_DESIGN, SCOPE_VIEW, { limit: 0, reduce: false });

  it('brings exactly the site\'s rows, also those written during it and while the index catches up between its requests', async () => {
    const person = await world.person(e1, ['custodian'], 'Lagging-index custodian');
    await bringIndexUpToDate();
    // Rows the index has not seen, of the site and of others, ids sorting before and after the rest.
    for (const prefix of ['a', 'm', 'z']) for (const unit of [e1, w1, e2]) await write(unit, 6, prefix);
    expect(await lag()).toBeGreaterThanOrEqual(54);
    const fresh = new Puller(person, () => staleUrl);
    const before = new Set(rowsOf(e1));
    const got = await fresh.all(5, async (n) => {
      if (n % 3 === 0) await Promise.all([write(e1, 2, n % 2 ? 'a' : 'z'), write(w1, 2, 'a')]);
      // The index moves on in the middle of the back-fill: pages after that reflect more than its snapshot.
      if (n === 4) await bringIndexUpToDate();
    });
    expect(distinct(got.ids)).toEqual(rowsOf(e1));
    expect(got.ids.every((id) => unitOfRow.get(id) === e1)).toBe(true);
    expect(got.remaining.at(-1)).toBe(0);
    // Progress never says less is owed than what then came of the rows held before the pull began.
    got.remaining.forEach((owed, i) => {
      const stillToCome = distinct(got.ids.slice(5 * (i + 1)).filter((id) => before.has(id) && !got.ids.slice(0, 5 * (i + 1)).includes(id)));
      expect(owed).toBeGreaterThanOrEqual(stillToCome.length);
    });
    // Then on from the feed: only what is new.
    const after = await write(e1, 3, 'b');
    await write(e2, 3, 'b');
    expect(distinct((await fresh.all(5)).ids)).toEqual([...after].sort());
  }, 90_000);

  it('back-fills a unit granted later from the lagging index, and nothing of another', async () => {
    const person = await world.person(e1, ['custodian'], 'Lagging-index grantee');
    const tablet = new Puller(person, () => staleUrl);
    await tablet.all(50);
    await bringIndexUpToDate();
    await write(w1, 8, 'c');
    await write(e2, 8, 'c');
    expect(await lag()).toBeGreaterThanOrEqual(16);
    await changeGrant(running.server, world.admin, person, 'grant', 'custodian', w1);
    const got = await tablet.all(4, async (n) => {
      if (n === 1) await write(w1, 3, 'a');
    });
    expect(got.ids.every((id) => unitOfRow.get(id) === w1 || unitOfRow.get(id) === e1)).toBe(true);
    expect(distinct(got.ids.filter((id) => unitOfRow.get(id) === w1))).toEqual(rowsOf(w1));
    expect(got.ids.some((id) => unitOfRow.get(id) === e2)).toBe(false);
    expect([...tablet.held].sort()).toEqual([...rowsOf(e1), ...rowsOf(w1)].sort());
    await changeGrant(running.server, world.admin, person, 'revoke', 'custodian', w1);
  }, 90_000);
});

describe('a forged checkpoint', () => {
  it('never brings a row outside today\'s scope, and a broken one is refused', async () => {
    const person = await world.person(e2, ['custodian'], 'East 2 custodian');
    const everyUnit = [east, west, e1, e2, w1, world.admin.rootUnitId].map(unitDigest).join('');
    const forged = [
      // Claims every unit delivered at the start of the feed.
      { v: 2, seq: '0', units: 'all', fill: null },
      // Claims a back-fill of every unit, its index position inside another site.
      { v: 2, seq: '1', units: '', fill: { units: everyUnit, at: [w1, 'fact:'], snap: '0', seq: null, owed: null } },
      // A back-fill's feed position at the start, for every unit.
      { v: 2, seq: '1', units: '', fill: { units: everyUnit, at: [w1, '\uffff'], snap: '0', seq: '0', owed: 0 } },
    ];
    for (const checkpoint of forged) {
      const puller = new Puller(person);
      puller.checkpoint = JSON.stringify(checkpoint);
      const got = await puller.all(50);
      expect(got.ids.filter((id) => unitOfRow.get(id) !== e2), JSON.stringify(checkpoint).slice(0, 60)).toEqual([]);
    }
    for (const since of [JSON.stringify({ v: 2, seq: '1', units: 'x', fill: null }), JSON.stringify({ v: 2, seq: '1', units: '', fill: { units: '', at: [w1, { $gt: '' }], snap: null, seq: null, owed: null } })]) {
      const puller = new Puller(person);
      puller.checkpoint = since;
      expect((await puller.request(5)).status).toBe(400);
    }
  });
});

describe('a branch replica when sites move', () => {
  it('receives the whole history of a site moved into its branch, and is told when it moves out', async () => {
    const person = await world.person(east, ['auditor'], 'East auditor');
    const laptop = new Puller(person);
    expect(distinct((await laptop.all()).ids)).toEqual(rowsOf(east, e1, e2));

    const move = async (unitId: string, parentId: string) => {
      const res = await running.server.call('POST', `/api/units/${unitId}/move`, { cookie: world.admin.cookie, body: { parentId } });
      expect(res.statusCode).toBe(200);
    };
    await move(w1, east);
    const got = await laptop.all();
    expect(distinct(got.ids)).toEqual(rowsOf(w1));
    expect(got.left).toEqual([]);

    await move(w1, west);
    await write(w1, 3);
    const newE2 = await write(e2, 2);
    const after = await laptop.all();
    expect(after.left).toEqual([w1]);
    expect(distinct(after.ids)).toEqual([...newE2].sort());
    expect([...laptop.held].sort()).toEqual(rowsOf(east, e1, e2));
  });

  it('receives the rows of a site created under its branch after it last pulled', async () => {
    const person = await world.person(east, ['auditor'], 'East auditor 2');
    const laptop = new Puller(person);
    await laptop.all();
    const e3 = await createUnit(running.server, world.admin.cookie, east, 'East 3', 'site');
    await write(e3, 6);
    const newEast = await write(east, 2);
    expect(distinct((await laptop.all()).ids)).toEqual([...rowsOf(e3), ...newEast].sort());
  });
});

describe('an organisation-wide replica (the root\'s grant)', () => {
  it('receives the rows of a site created and written to during its first back-fill', async () => {
    const hq = new Puller({ ...world.admin });
    let made: string[] = [];
    // Between the fill's second and third requests a site is made under a branch, and written to.
    const first = await hq.all(7, async (request) => {
      if (request !== 1) return;
      const site = await createUnit(running.server, world.admin.cookie, east, 'Made during a fill', 'site');
      made = await write(site, 4);
    });
    expect(made).toHaveLength(4);
    const next = await hq.all(7);
    const received = new Set([...first.ids, ...next.ids]);
    expect(made.filter((id) => !received.has(id)), 'rows of the site made during the fill').toEqual([]);
    // And from there on, every new row of it.
    const later = await write(unitOfRow.get(made[0]!)!, 2);
    expect(distinct((await hq.all(7)).ids)).toEqual([...later].sort());
  });
});

describe('rows written into the store by someone else (no valid MAC)', () => {
  it('are never sent, and a back-fill goes on past them to the unit\'s other rows, whatever the page size', async () => {
    const site = await createUnit(running.server, world.admin.cookie, east, 'East forged', 'site');
    // Interleaved in id order: good, forged, good, forged… (forged ones written with nano's raw request, around the MAC).
    const good: string[] = [];
    for (let i = 0; i < 6; i++) {
      good.push(...(await write(site, 2, 'f')));
      const id = `fact:device_event:f-${process.pid}-${(++counter).toString().padStart(6, '0')}`;
      const forged = { _id: id, id, type: 'fact', kind: 'device_event', subject: `device:scoped-${site}`, scopeUnitId: site, author: 'intruder', createdAt: 1_790_000_000_000 + counter, body: { n: counter }, storeMac: 'A'.repeat(43) };
      const answer = await running.server.store.couch.request({ db: running.server.store.dbName('rows'), method: 'post', path: '_bulk_docs', body: { docs: [forged] } }) as { error?: string }[];
      expect(answer.filter((r) => r.error)).toEqual([]);
    }
    for (const limit of [1, 2, 3, 5, 50]) {
      const person = await world.person(site, ['custodian'], `Forged-site custodian ${limit}`);
      const got = await new Puller(person).all(limit);
      expect(distinct(got.ids), `limit ${limit}`).toEqual([...good].sort());
    }
  });
});

describe('a scope index rewritten in the store (design documents carry no MAC)', () => {
  /** Runs `check` with the scope view's map replaced by `map` (same version), then puts it back. */
  async function withMap(map: string, check: () => Promise<void>): Promise<void> {
    const db = running.server.store.dbName('rows');
    const couch = running.server.store.couch;
    const held = await couch.request({ db, method: 'get', path: '_design/scope' }) as Record<string, unknown> & { views: Record<string, { map: string; reduce?: string }> };
    const [view] = Object.keys(held.views);
    await couch.request({ db, method: 'put', path: '_design/scope', body: { ...held, views: { [view!]: { ...held.views[view!]!, map } } } });
    try {
      await check();
    } finally {
      const now = await couch.request({ db, method: 'get', path: '_design/scope' }) as { _rev: string };
      await couch.request({ db, method: 'put', path: '_design/scope', body: { ...held, _rev: now._rev } });
    }
  }
  const guard = 'if ((doc.type === "fact" || doc.type === "change") && typeof doc.scopeUnitId === "string" && doc.id === doc._id)';

  it('never serves another unit\'s rows emitted under this unit\'s keys', async () => {
    const victim = await createUnit(running.server, world.admin.cookie, east, 'Victim site', 'site');
    const mine = await write(victim, 2, 'v');
    await withMap(`function (doc) { ${guard} { emit([doc.scopeUnitId, doc._id], doc); if (doc.scopeUnitId !== ${JSON.stringify(victim)}) emit([${JSON.stringify(victim)}, doc._id], doc); } }`, async () => {
      const person = await world.person(victim, ['custodian'], 'Victim custodian');
      expect(distinct((await new Puller(person).all(500)).ids)).toEqual([...mine].sort());
    });
  }, 120_000);

  it('never serves a value that is not the stored row checked against its MAC', async () => {
    const victim = await createUnit(running.server, world.admin.cookie, east, 'Victim site 2', 'site');
    await write(victim, 2, 'v2');
    const forgedValue = '{ id: doc._id, type: doc.type, kind: doc.kind, subject: doc.subject, scopeUnitId: doc.scopeUnitId, author: "FORGED", createdAt: doc.createdAt, body: { forged: true } }';
    for (const value of [forgedValue, `Object.assign({}, doc, { author: "FORGED" })`]) {
      await withMap(`function (doc) { ${guard} emit([doc.scopeUnitId, doc._id], ${value}); }`, async () => {
        const person = await world.person(victim, ['custodian'], `Victim custodian ${value.length}`);
        const got = await new Puller(person).request(50);
        expect(got.status).toBe(200);
        expect(got.page!.rows.filter((r) => (r as { author?: string }).author === 'FORGED')).toEqual([]);
      });
    }
  }, 120_000);
});

describe('a branch of more sites than a query string could name', () => {
  it('receives exactly its sites\' rows, its checkpoint naming them by reference; a forged or unknown reference back-fills within its scope only', async () => {
    const branch = await createUnit(running.server, world.admin.cookie, world.admin.rootUnitId, 'Big branch', 'branch');
    // 820 sites: their digests alone (8,200 characters) would not fit the 8 KiB query string.
    // Written straight into the units database (what POST /api/units stores; a test-only shortcut:
    // each create reads the whole tree, so 820 of them would take minutes, and it is not under test here).
    const sites = Array.from({ length: 820 }, (_, i) => `unit_bigsite${String(i).padStart(8, '0')}`);
    const now = Date.now();
    const units = running.server.store.couch.use(running.server.store.dbName('units'));
    const stored = await units.bulk({ docs: sites.map((id, i) => ({ _id: id, type: 'unit', id, name: `Big site ${i}`, kind: 'site', parentId: branch, createdAt: now, updatedAt: now })) as never });
    expect(stored.filter((r) => r.error)).toEqual([]);
    const some = [sites[0]!, sites[409]!, sites[819]!];
    for (const site of some) await write(site, 3, 'big');
    const person = await world.person(branch, ['auditor'], 'Big branch auditor');
    const laptop = new Puller(person);
    const first = await laptop.all(5);
    expect(distinct(first.ids)).toEqual(rowsOf(...some));
    expect(laptop.checkpoint!.length).toBeLessThan(1000);
    expect(laptop.checkpoint).toMatch(/"#[A-Za-z0-9_-]{43}"/);

    // Followed from there: only what is new, and a site moved out is named as left.
    const fresh = await write(sites[5]!, 2, 'big');
    const elsewhere = await createUnit(running.server, world.admin.cookie, world.admin.rootUnitId, 'Elsewhere', 'branch');
    const moved = await running.server.call('POST', `/api/units/${sites[819]!}/move`, { cookie: world.admin.cookie, body: { parentId: elsewhere } });
    expect(moved.statusCode).toBe(200);
    const next = await laptop.all(5);
    expect(distinct(next.ids)).toEqual([...fresh].sort());
    expect(next.left).toEqual([sites[819]]);
    expect([...laptop.held].sort()).toEqual(rowsOf(sites[0]!, sites[409]!, sites[5]!));

    // A reference the server never stored, or a malformed one: never a row outside today's scope,
    // and (what the replica holds being unknown) every unit outside today's scope named as left.
    const checkpoint = JSON.parse(laptop.checkpoint!) as { seq: string; units: string };
    for (const units of ['#' + 'A'.repeat(43), '#short', `#${'A'.repeat(43)}x`]) {
      const forged = new Puller(person);
      forged.checkpoint = JSON.stringify({ ...checkpoint, units });
      const answer = await forged.request(50);
      if (answer.status === 200) {
        expect(answer.page!.left).toContain(sites[819]);
        expect(answer.page!.left).not.toContain(sites[0]);
        const got = [...forged.held, ...(await forged.all(50)).ids];
        expect(got.filter((id) => ![sites[0], sites[409], sites[5]].includes(unitOfRow.get(id)))).toEqual([]);
      } else expect(answer.status).toBe(400);
    }
    // Malformed besides its reference: refused, whatever it names.
    const malformed = new Puller(person);
    malformed.checkpoint = JSON.stringify({ ...checkpoint, units: '#' + 'A'.repeat(43), fill: 5 });
    expect((await malformed.request(5)).status).toBe(400);

    // A client claiming a different subset of its scope at every request: what the server keeps for it stays bounded.
    const digests = sites.slice(0, 819).map(unitDigest);
    for (let i = 0; i < 20; i++) {
      const crafted = new Puller(person);
      crafted.checkpoint = JSON.stringify({ v: 2, seq: checkpoint.seq, units: digests.slice(i, i + 250).join(''), fill: null });
      expect((await crafted.request(5)).status).toBe(200);
    }
    const meta = running.server.store.couch.use<{ type: string; userId?: string; sets?: unknown[] }>(running.server.store.dbName('meta'));
    const held = (await meta.list({ include_docs: true, startkey: 'unitset', endkey: 'unitset\ufff0' })).rows.map((r) => r.doc!);
    expect(held.filter((d) => d.userId === person.userId)).toHaveLength(1);
    expect(held.find((d) => d.userId === person.userId)!.sets!.length).toBeLessThanOrEqual(8);
    // The laptop's own set was dropped meanwhile (8 kept): it pulls on from a bare position, sent
    // its scope's rows again, and holds exactly them.
    await laptop.all(50);
    expect([...laptop.held].sort()).toEqual(rowsOf(sites[0]!, sites[409]!, sites[5]!));
  }, 180_000);
});

describe('a deactivated person', () => {
  it('receives nothing, whatever checkpoint their replica holds', async () => {
    const person = await world.person(west, ['auditor'], 'West auditor');
    const laptop = new Puller(person);
    expect(distinct((await laptop.all()).ids)).toEqual(rowsOf(west, w1));
    await write(w1, 2);
    const res = await running.server.call('POST', `/api/users/${person.userId}/deactivate`, { cookie: world.admin.cookie, body: {} });
    expect(res.statusCode).toBe(200);
    const after = await laptop.request(50);
    expect(after.page?.rows ?? []).toEqual([]);
    const fresh = await new Puller(person).request(50);
    expect(fresh.page?.rows ?? []).toEqual([]);
  });
});

/**
 * A pull whose scan ends at the end of a page, with more to read, has the server read the feed's
 * next pages ahead while its answer travels (`FeedReadAhead`). What a page read ahead holds is
 * the store's, not anyone's: each request filters it by the scope of whoever asks, at the moment
 * they ask. The rows here are dense in the tablet's scope (its two sites only), so that its scans
 * end at page ends and pages read ahead are served (counted).
 */
describe('pages of the feed read ahead between requests', () => {
  let s1: string;
  let s2: string;
  let person: Person;
  let tablet: Puller;
  const served = () => (running.server.app as unknown as { syncFeedReadAhead: FeedReadAhead }).syncFeedReadAhead.stats.hits;
  beforeAll(async () => {
    s1 = await createUnit(running.server, world.admin.cookie, east, 'Read-ahead 1', 'site');
    s2 = await createUnit(running.server, world.admin.cookie, east, 'Read-ahead 2', 'site');
    person = await world.person(s1, ['custodian'], 'Read-ahead custodian');
    await changeGrant(running.server, world.admin, person, 'grant', 'custodian', s2);
    tablet = new Puller(person);
    await tablet.all();
  });

  /** Rows of s1 and s2 interleaved through the feed: a pull of `limit` 5 spans many requests. */
  const interleave = async (rounds: number) => {
    for (let round = 0; round < rounds; round++) for (const unit of [s1, s2]) await write(unit, 6);
  };
  /** Lets the pages read ahead come in (the store answers in a few ms). */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

  it('bring nothing of a unit revoked after the page was read, and the unit is named as left', async () => {
    await interleave(5);
    const before = new Set(rowsOf(s2));
    const hits = served();
    let revokedAfter = -1;
    const got = await tablet.all(5, async (n) => {
      await settle();
      if (n !== 1) return;
      await changeGrant(running.server, world.admin, person, 'revoke', 'custodian', s2);
      revokedAfter = tablet.held.size;
    });
    expect(revokedAfter, 'the pull spanned the revocation').toBeGreaterThan(0);
    expect(served() - hits, 'pages read ahead were served').toBeGreaterThanOrEqual(2);
    // s2's rows arrived only in the first two answers (before the revocation), none after.
    const s2Arrivals = got.ids.map((id, i) => (before.has(id) ? i : -1)).filter((i) => i >= 0);
    expect(s2Arrivals.length, 'the first answers carried s2 rows').toBeGreaterThan(0);
    expect(Math.max(...s2Arrivals)).toBeLessThan(10);
    expect(got.left).toEqual([s2]);
    expect([...tablet.held].sort()).toEqual(rowsOf(s1));
  });

  it('give another person asking from the same position only their own scope', async () => {
    const other = await world.person(w1, ['custodian'], 'Read-ahead west');
    const spy = new Puller(other);
    await spy.all();
    await tablet.all();
    for (let round = 0; round < 4; round++) await write(s1, 5);
    const first = await tablet.request(5);
    expect(first.page?.more).toBe(true);
    await settle();
    // The other person replays the tablet's position and page size, claiming every unit delivered:
    // the page read ahead for the tablet is served to them, filtered by their scope (w1).
    const hits = served();
    spy.checkpoint = JSON.stringify({ ...(JSON.parse(tablet.checkpoint!) as object), units: 'all' });
    const got = await spy.all(5);
    expect(served() - hits, 'the tablet\'s page read ahead was served to them').toBeGreaterThanOrEqual(1);
    expect(got.ids).toEqual([]);
    const rest = await tablet.all(5);
    expect(rest.ids.every((id) => unitOfRow.get(id) === s1)).toBe(true);
  });

  it('bring the rows written after a page was read ahead at the end of the feed', async () => {
    await tablet.all();
    const first = await write(s1, 3);
    const later: string[] = [];
    const got = await tablet.all(2, async (n) => {
      if (n !== 0) return;
      // The page after the first answer is read ahead now: one row, the feed's end then.
      await settle();
      later.push(...(await write(s1, 4)));
    });
    expect(later).toHaveLength(4);
    expect(distinct(got.ids)).toEqual([...first, ...later].sort());
  });
});
