/**
 * The upload queue where it used to get stuck or lose bytes:
 * - bytes queued under a fact the server refused move on to the next fact made here naming them
 *   (which then goes up), or end — they no longer wait for ever, holding the next fact behind them;
 * - bytes whose fact left the replica with its unit (the person lost the role) wait, sending
 *   nothing the server would refuse, and go up once the unit is back — without holding back the
 *   same bytes under a fact still held;
 * - a download of the same bytes ending while they are queued to go up (another tab) does not
 *   write over the queue's entry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256, toHex } from '@seal/shared';
import { createUnit } from '../../sync-server/src/testing/testServer';
import { photo, readBlobBack, setUpBlobWorld } from './blobWorld';
import { changeGrant, replicaPool, startSyncServer, syncAll, type Person, type RunningSync, type World } from './harness';

let running: RunningSync;
let world: World;
let staff: Person;
let colleague: Person;
let otherSiteId: string;
const replicas = replicaPool(() => running.url);
let seed = 0;

beforeAll(async () => {
  running = await startSyncServer();
  ({ world, staff, otherSiteId } = await setUpBlobWorld(running));
  colleague = await world.person(world.siteId, ['custodian'], 'Reading colleague');
}, 60_000);
afterAll(async () => running?.close());

const image = () => photo(30_000, ++seed);

describe('the upload queue', () => {
  it('sends bytes under the next fact naming them when the first was refused, and ends once none is left', async () => {
    const tablet = await replicas.open(staff, 'refused-first');
    const bytes = image();
    // The first fact lies outside the person's scope: refused. The same bytes, attached again where they may be, are not.
    const refused = await tablet.store.attachments.add({ bytes, about: 'request:req-refused-first', mime: 'image/jpeg' }, otherSiteId);
    await syncAll([tablet]);
    expect(tablet.store.status.get().refusals.map((r) => [r.id, r.code])).toEqual([[refused.factRowId, 'out_of_scope']]);
    const accepted = await tablet.store.attachments.add({ bytes, about: 'request:req-accepted-second', mime: 'image/jpeg' }, world.siteId);
    await syncAll([tablet]);
    await tablet.sync!.drainAttachments();
    expect(tablet.store.status.get().attachments.queued).toBe(0);
    expect(await readBlobBack(running, colleague, accepted.sha256, accepted.factRowId, bytes.length)).toEqual(bytes);

    // Bytes under a refused fact only: nothing to send, nothing waiting, still shown here.
    const alone = image();
    const only = await tablet.store.attachments.add({ bytes: alone, about: 'request:req-refused-alone', mime: 'image/jpeg' }, otherSiteId);
    await syncAll([tablet]);
    await tablet.sync!.drainAttachments();
    expect(await tablet.store.book.queuedBlobs()).toEqual([]);
    expect(tablet.store.status.get().attachments.queued).toBe(0);
    expect(await tablet.store.attachments.open(only.sha256, only.factRowId)).toEqual(alone);
  });

  it('holds bytes whose fact left with its unit, sending nothing the server refuses, and sends them once the unit is back', async () => {
    const siteB = await createUnit(running.server, world.admin.cookie, world.branchId, 'Queue site B', 'site');
    const person = await world.person(world.siteId, ['custodian'], 'Two-site custodian');
    await changeGrant(running.server, world.admin, person, 'grant', 'custodian', siteB);
    const tablet = await replicas.open(person, 'scope-left');
    let held = true;
    const sent: string[] = [];
    tablet.network.intercept = (path) => {
      if (!path.startsWith('/api/sync/blobs')) return;
      if (held) throw new TypeError('offline for bytes');
      sent.push(path);
    };
    const bytes = image();
    const added = await tablet.store.attachments.add({ bytes, about: 'request:req-site-b', mime: 'image/jpeg' }, siteB);
    // The same bytes, attached next at the person's own site: they must not wait for site B.
    const atHome = await tablet.store.attachments.add({ bytes, about: 'request:req-home', mime: 'image/jpeg' }, world.siteId);
    await syncAll([tablet]);

    // The role on site B goes; the tablet pulls, and site B's rows (the fact among them) go with it.
    await changeGrant(running.server, world.admin, person, 'revoke', 'custodian', siteB);
    await syncAll([tablet]);
    expect(await tablet.store.db.rows.findOne(added.factRowId).exec()).toBeNull();
    held = false;
    await tablet.sync!.drainAttachments();
    await tablet.sync!.drainAttachments();
    // Only under the fact still held: the bytes go up for the home site's readers.
    expect(sent.length).toBeGreaterThan(0);
    const underSiteB = (path: string) => path.includes(added.factRowId) || path.includes(encodeURIComponent(added.factRowId));
    expect(sent.filter(underSiteB)).toEqual([]);
    expect(await readBlobBack(running, colleague, atHome.sha256, atHome.factRowId, bytes.length)).toEqual(bytes);
    expect(tablet.store.status.get().attachments.queued).toBe(1);
    sent.length = 0;

    // The role comes back: the fact with it, and the bytes go up — at once, with nothing else
    // pushed and no drain asked for (the fact's return wakes the queue).
    await changeGrant(running.server, world.admin, person, 'grant', 'custodian', siteB);
    await syncAll([tablet]);
    await expect.poll(() => tablet.store.status.get().attachments.queued, { timeout: 5_000 }).toBe(0);
    expect(sent.length).toBeGreaterThan(0);
    expect(await readBlobBack(running, world.admin, added.sha256, added.factRowId, bytes.length)).toEqual(bytes);
  });

  it('keeps bytes queued to go up when a download of the same bytes ends meanwhile', async () => {
    // A colleague's photo is on the server; this tablet opens it while (in another tab) the same
    // bytes are attached here to a request of its own.
    const bytes = image();
    const theirs = await replicas.open(colleague, 'download-theirs');
    const shared = await theirs.store.attachments.add({ bytes, about: 'request:req-theirs', mime: 'image/jpeg' }, world.siteId);
    await syncAll([theirs]);
    await theirs.sync!.drainAttachments();
    await replicas.close(theirs);

    const tablet = await replicas.open(staff, 'download-mine');
    await syncAll([tablet]);
    // This tablet's uploads wait until the download is over.
    let uploadsHeld = true;
    tablet.network.intercept = (path, init) => {
      if (uploadsHeld && path.startsWith('/api/sync/blobs') && init.method === 'PUT') throw new TypeError('offline for uploads');
    };
    const client = tablet.sync!.client;
    const getChunk = client.getChunk.bind(client);
    let ours: { factRowId: string } | undefined;
    client.getChunk = async (...args) => {
      const chunk = await getChunk(...args);
      // While the download runs, the same bytes are attached and queued here.
      ours ??= await tablet.store.attachments.add({ bytes, about: 'request:req-mine', mime: 'image/jpeg' }, world.siteId);
      return chunk;
    };
    expect(await tablet.store.attachments.bytes(shared.sha256, shared.factRowId, client)).toEqual(bytes);
    expect(toHex(await sha256(bytes))).toBe(shared.sha256);
    expect(await tablet.store.book.blob(shared.sha256)).toMatchObject({ state: 'queued', factRowId: ours!.factRowId });
    uploadsHeld = false;
    await syncAll([tablet]);
    await tablet.sync!.drainAttachments();
    expect(tablet.store.status.get().attachments.queued).toBe(0);
    expect(await readBlobBack(running, colleague, shared.sha256, ours!.factRowId, bytes.length)).toEqual(bytes);
  });
});
