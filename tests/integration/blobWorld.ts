/**
 * The world of the attachment-bytes tests (`attachments.test.ts`, `chunkRuns.test.ts`): a site's
 * staff, and staff of a site elsewhere in the organisation, on a running server; and the blob
 * routes called raw, as a script (not our app) would call them.
 */
import { createUnit } from '../../sync-server/src/testing/testServer';
import { setUpWorld, type Person, type RunningSync, type World } from './harness';

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
