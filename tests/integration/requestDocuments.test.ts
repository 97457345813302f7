/**
 * The document a request carries to its approvers, against the real server: a PDF, JPEG or PNG of
 * at most 20 MB (the one shared constant the form states), whose bytes are what its fact names —
 * by their hash and by their first bytes — and which nobody outside the request's scope can read.
 * Every refusal is a 4xx answer or a refused row, never a 5xx.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOB_CHUNK_BYTES, MAX_REQUEST_DOCUMENT_BYTES, toBase64Url } from '@seal/shared';
import { replicaPool, setUpWorld, startSyncServer, type Person, type Replica, type RunningSync, type World } from './harness';

let running: RunningSync;
let world: World;
let staff: Person;
let approver: Person;
let outsider: Person;
const replicas = replicaPool(() => running.url);

/** A real PDF (the fixture the stamping tests use too). */
const PDF = new Uint8Array(readFileSync(join(import.meta.dirname, '../fixtures/documents/fontconfig-user.pdf')));
const hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  staff = await world.person(world.siteId, ['staff'], 'Site staff');
  approver = await world.person(world.branchId, ['approver'], 'Branch approver');
  outsider = await world.person(world.otherBranchId, ['approver', 'custodian'], 'Approver elsewhere');
}, 60_000);
afterAll(async () => running?.close());

async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A raw HTTP call as `person`, the way a script (not our app) would make it. */
async function raw(person: Person, method: 'GET' | 'PUT', path: string, body?: unknown): Promise<{ status: number; body: { error?: string; complete?: boolean; data?: string } }> {
  const res = await fetch(`${running.url}${path}`, {
    method,
    headers: { cookie: person.cookie, 'sec-fetch-site': 'same-origin', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as never };
}
const blobPath = (sha: string, fact: string, index?: number) => `/api/sync/blobs/${sha}${index === undefined ? '' : `/chunks/${index}`}?fact=${encodeURIComponent(fact)}`;

/** Pushes an attachment fact from a staff tablet; its refusal code, or undefined when accepted. */
async function pushFact(tablet: Replica, body: { sha256: string; about: string; mime: 'application/pdf' | 'image/jpeg' | 'image/png' | 'image/webp'; size: number }): Promise<{ rowId: string; refused: string | undefined }> {
  const { row } = await tablet.store.facts.append('attachment', { ...body, at: Date.now() }, world.siteId);
  await tablet.sync!.awaitInSync();
  return { rowId: row.id, refused: tablet.store.status.get().refusals.find((r) => r.id === row.id)?.code };
}

describe('a request document', () => {
  it('travels from the staff tablet to an approver above the site, byte for byte', async () => {
    const tablet = await replicas.open(staff, 'staff-tablet');
    tablet.start();
    const { sha256, factRowId } = await tablet.store.attachments.add({ bytes: PDF, about: 'request:req-doc-1', mime: 'application/pdf', name: 'contract.pdf' }, world.siteId);
    expect(sha256).toBe(hex(PDF));
    await eventually(async () => ((await tablet.store.book.blob(sha256))?.state === 'uploaded' ? true : undefined), 'the upload');
    expect(tablet.store.status.get().refusals).toEqual([]);

    const office = await replicas.open(approver, 'approver-tablet');
    office.start();
    const fetched = await office.store.attachments.open(sha256, factRowId);
    expect(fetched && hex(fetched)).toBe(hex(PDF));
  }, 60_000);

  it('is refused, as a fact, when it is not a PDF, JPEG or PNG, or larger than 20 MB', async () => {
    const tablet = await replicas.open(staff, 'staff-tablet-2');
    tablet.start();
    const webp = await pushFact(tablet, { sha256: 'ab'.repeat(32), about: 'request:req-doc-2', mime: 'image/webp', size: 1000 });
    expect(webp.refused).toBe('invalid_row');
    const huge = await pushFact(tablet, { sha256: 'cd'.repeat(32), about: 'request:req-doc-2', mime: 'application/pdf', size: MAX_REQUEST_DOCUMENT_BYTES + 1 });
    expect(huge.refused).toBe('invalid_row');
    // At the limit, it is taken (the same constant the form states).
    const atLimit = await pushFact(tablet, { sha256: 'ef'.repeat(32), about: 'request:req-doc-2', mime: 'application/pdf', size: MAX_REQUEST_DOCUMENT_BYTES });
    expect(atLimit.refused).toBeUndefined();
    // The bytes of a refused fact have nowhere to go.
    expect(await raw(staff, 'PUT', blobPath('cd'.repeat(32), huge.rowId, 0), { data: toBase64Url(PDF.subarray(0, 10)) })).toMatchObject({ status: 409, body: { error: 'fact_not_synced' } });
  }, 60_000);

  it('takes bytes sent before their fact once the fact is on the server, and keeps judging each request by the asker\'s scope', async () => {
    const tablet = await replicas.open(staff, 'staff-tablet-early');
    tablet.start();
    tablet.network.setOnline(false);
    const pdf = PDF.subarray(0, 5_000);
    // Recorded offline: the fact is only on the tablet, and its bytes are sent by hand first.
    const { row } = await tablet.store.facts.append('attachment', { sha256: hex(pdf), about: 'request:req-doc-early', mime: 'application/pdf', size: pdf.length, at: Date.now() }, world.siteId);
    expect(await raw(staff, 'PUT', blobPath(hex(pdf), row.id, 0), { data: toBase64Url(pdf) })).toMatchObject({ status: 409, body: { error: 'fact_not_synced' } });
    expect(await raw(staff, 'GET', blobPath(hex(pdf), row.id))).toMatchObject({ status: 409, body: { error: 'fact_not_synced' } });
    tablet.network.setOnline(true);
    await tablet.sync!.awaitInSync();
    // The same request again: the fact is found now (a miss is not remembered).
    expect(await raw(staff, 'PUT', blobPath(hex(pdf), row.id, 0), { data: toBase64Url(pdf) })).toMatchObject({ status: 200, body: { complete: true } });
    // Each request is judged by who asks, however often the fact was read before.
    for (let i = 0; i < 2; i++) {
      expect(await raw(outsider, 'GET', blobPath(hex(pdf), row.id, 0))).toMatchObject({ status: 403, body: { error: 'out_of_scope' } });
      expect(await raw(approver, 'GET', blobPath(hex(pdf), row.id, 0))).toMatchObject({ status: 200, body: { data: toBase64Url(pdf) } });
    }
  }, 60_000);

  it('refuses bytes that are not the type their fact names, and bytes that do not hash to their name', async () => {
    const tablet = await replicas.open(staff, 'staff-tablet-3');
    tablet.start();
    // A Word file (a zip) sent as a PDF: its first bytes give it away.
    const docx = Uint8Array.from({ length: 300 }, (_, i) => [0x50, 0x4b, 0x03, 0x04][i] ?? i % 251);
    const renamed = await pushFact(tablet, { sha256: hex(docx), about: 'request:req-doc-3', mime: 'application/pdf', size: docx.length });
    expect(renamed.refused).toBeUndefined();
    expect(await raw(staff, 'PUT', blobPath(hex(docx), renamed.rowId, 0), { data: toBase64Url(docx) })).toMatchObject({ status: 415, body: { error: 'unsupported_media_type' } });
    // Text that is not base64url of whole bytes: refused as the request's fault, never a 5xx.
    for (const data of ['AB', 'ABC', 'A', `${toBase64Url(docx.subarray(0, 299)).slice(0, -1)}B`, 'AA==']) {
      expect(await raw(staff, 'PUT', blobPath(hex(docx), renamed.rowId, 0), { data })).toMatchObject({ status: 400, body: { error: 'invalid_body' } });
    }

    // A PDF whose bytes are not the ones the fact names (the hash approvers sign).
    const pdf = PDF.subarray(0, BLOB_CHUNK_BYTES + 100);
    const named = await pushFact(tablet, { sha256: hex(pdf), about: 'request:req-doc-3', mime: 'application/pdf', size: pdf.length });
    const other = Uint8Array.from(pdf);
    other[BLOB_CHUNK_BYTES + 50] = (other[BLOB_CHUNK_BYTES + 50] ?? 0) ^ 0xff;
    expect((await raw(staff, 'PUT', blobPath(hex(pdf), named.rowId, 0), { data: toBase64Url(other.subarray(0, BLOB_CHUNK_BYTES)) })).status).toBe(200);
    expect(await raw(staff, 'PUT', blobPath(hex(pdf), named.rowId, 1), { data: toBase64Url(other.subarray(BLOB_CHUNK_BYTES)) })).toMatchObject({ status: 422, body: { error: 'blob_hash_mismatch' } });
    // Nothing of it is served, to the uploader or the approver.
    expect((await raw(staff, 'GET', blobPath(hex(pdf), named.rowId, 0))).status).toBe(404);
    expect((await raw(approver, 'GET', blobPath(hex(pdf), named.rowId, 0))).status).toBe(404);
  }, 60_000);

  it('is not served to someone whose scope does not cover the request, however they ask', async () => {
    const tablet = await replicas.open(staff, 'staff-tablet-4');
    tablet.start();
    const { sha256, factRowId } = await tablet.store.attachments.add({ bytes: PDF, about: 'request:req-doc-4', mime: 'application/pdf' }, world.siteId);
    await eventually(async () => ((await tablet.store.book.blob(sha256))?.state === 'uploaded' ? true : undefined), 'the upload');
    for (const path of [blobPath(sha256, factRowId), blobPath(sha256, factRowId, 0)]) {
      const answer = await raw(outsider, 'GET', path);
      expect(answer).toMatchObject({ status: 403, body: { error: 'out_of_scope' } });
      expect(answer.body.data).toBeUndefined();
    }
    // Not through their own replica either: the fact never reaches it, and the server refuses the bytes.
    const elsewhere = await replicas.open(outsider, 'outsider-tablet');
    elsewhere.start();
    await elsewhere.sync!.awaitInSync();
    await expect(elsewhere.store.attachments.open(sha256, factRowId)).rejects.toMatchObject({ code: 'out_of_scope' });
  }, 60_000);
});
