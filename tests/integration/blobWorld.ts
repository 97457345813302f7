/**
 * The world of the attachment-bytes tests (`attachments.test.ts`, `chunkRuns.test.ts`): a site's
 * staff, and staff of a site elsewhere in the organisation, on a running server; and the blob
 * routes called raw, as a script (not our app) would call them.
 */
import { expect } from 'vitest';
import { BLOB_CHUNK_BYTES, fromBase64Url } from '@seal/shared';
import { createUnit } from '../../sync-server/src/testing/testServer';
import { setUpWorld, syncAll, type Person, type ReplicaPool, type RunningSync, type World } from './harness';

export interface BlobWorld {
  readonly world: World;
  /** Staff at `world.siteId`. */
  readonly staff: Person;
  /** A site under the other branch, and its staff (outside `staff`'s scope and `staff` outside theirs). */
  readonly otherSiteId: string;
  readonly stranger: Person;
}

export async function setUpBlobWorld(running: RunningSync): Promise<BlobWorld> {
  const world = await setUpWorld(running.server);
  const otherSiteId = await createUnit(running.server, world.admin.cookie, world.otherBranchId, 'Other site', 'site');
  const staff = await world.person(world.siteId, ['staff'], 'Site staff');
  const stranger = await world.person(otherSiteId, ['staff'], 'Staff elsewhere');
  return { world, staff, otherSiteId, stranger };
}

/** A JPEG's signature first (the server takes a request's attachment only as the type it names), then filler. */
export const photo = (size: number, seed: number): Uint8Array => Uint8Array.from({ length: size }, (_, i) => [0xff, 0xd8, 0xff][i] ?? (i * 37 + seed) % 253);

export interface BlobAnswer {
  readonly status: number;
  readonly body: { error?: string; complete?: boolean; received?: number[]; data?: string };
}

/** A raw HTTP call as `person` (a string body is sent as it is: not JSON, if the test says so). */
export async function blobCall(running: RunningSync, person: Person, method: 'GET' | 'PUT', path: string, body?: unknown): Promise<BlobAnswer> {
  const res = await fetch(`${running.url}${path}`, {
    method,
    headers: { cookie: person.cookie, 'sec-fetch-site': 'same-origin', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as never };
}

/** The blobs database's ids under a prefix (what the server kept or staged). */
export async function blobIdsUnder(running: RunningSync, prefix: string): Promise<string[]> {
  const db = running.server.store.couch.use(running.server.store.dbName('blobs'));
  const list = () => db.list({ startkey: prefix, endkey: `${prefix}\ufff0` });
  return (await list().catch(list)).rows.map((row) => row.id);
}

/** An attachment fact on the server naming `bytes`, made by `person`'s tablet; its bytes not sent. */
export async function factWithoutBytes(replicas: ReplicaPool, person: Person, unitId: string, bytes: Uint8Array, name: string, about: string): Promise<{ sha: string; fact: string }> {
  const tablet = await replicas.open(person, name);
  // The tablet's own upload is held back: the test sends the bytes by hand.
  tablet.network.intercept = (path) => { if (path.startsWith('/api/sync/blobs')) throw new TypeError('held back by the test'); };
  const added = await tablet.store.attachments.add({ bytes, about, mime: 'image/jpeg' }, unitId);
  await syncAll([tablet]);
  await replicas.close(tablet);
  return { sha: added.sha256, fact: added.factRowId };
}

/** Reads the bytes back as `reader`, chunk by chunk, as a colleague's app would. */
export async function readBlobBack(running: RunningSync, reader: Person, sha: string, fact: string, size: number): Promise<Uint8Array> {
  const whole = new Uint8Array(size);
  for (let i = 0; i * BLOB_CHUNK_BYTES < size; i++) {
    const answer = await blobCall(running, reader, 'GET', `/api/sync/blobs/${sha}/chunks/${i}?fact=${encodeURIComponent(fact)}`);
    expect(answer.status, `chunk ${i}`).toBe(200);
    whole.set(fromBase64Url(answer.body.data!), i * BLOB_CHUNK_BYTES);
  }
  return whole;
}
