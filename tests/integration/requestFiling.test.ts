/**
 * Filing a request with its document on a site tablet (`fileRequest`, what the new-request form
 * does on submit), when the app is closed — or storage fills — between its two writes: a request
 * never reaches approvers without the document they are to judge, and submitting again files one
 * request, with its document, bytes and all.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subjectOf, type UseRequest } from '@seal/shared';
import { fileRequest, type RequestDocument } from '../../app/src/requests/fileRequest';
import { closedAfterWrites } from './appClosed';
import { sealRecord, useRequest } from './fixtures';
import { replicaPool, setUpWorld, startSyncServer, syncAll, type Person, type Replica, type RunningSync, type World } from './harness';
import { creation, outcomes, push } from './hostileClient';

let running: RunningSync;
let world: World;
let staff: Person;
let approver: Person;
const replicas = replicaPool(() => running.url);

const PDF = new Uint8Array(readFileSync(join(import.meta.dirname, '../fixtures/documents/fontconfig-user.pdf')));
const SHA = createHash('sha256').update(PDF).digest('hex');
const DOCUMENT: RequestDocument = { bytes: PDF, mime: 'application/pdf', name: 'subcontract.pdf' };

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  staff = await world.person(world.siteId, ['staff'], 'Site staff');
  approver = await world.person(world.branchId, ['approver'], 'Branch approver');
  // The seal asked for, recorded on the server (a request names a recorded seal).
  const custodian = await world.person(world.siteId, ['custodian'], 'Site custodian');
  const seal = await creation(custodian, 'seal', sealRecord('seal-filing', world.siteId, custodian.userId));
  expect(outcomes(await push(running, custodian, [seal.row]))).toEqual(['accepted']);
}, 60_000);
afterAll(async () => running?.close());

const request = (id: string): UseRequest => {
  const built = useRequest(id, staff.userId, world.siteId, 'seal-filing');
  return { ...built, document: { ...built.document, sha256: SHA } };
};

/** Every request `replica` holds, each with the attachment facts about it. */
async function heldRequests(replica: Replica): Promise<{ id: string; documents: string[] }[]> {
  await replica.store.whenProjected();
  const held = await firstValueFrom(replica.store.query.records$('request'));
  const attachments = await replica.store.query.facts('attachment');
  return held.map(({ record }) => ({ id: record.id, documents: attachments.filter((a) => a.about === subjectOf('request', record.id)).map((a) => a.sha256) }));
}

describe('filing a request with its document', () => {
  it('closed between its two writes, files no request without the document; submitting again files one, with it', async () => {
    const databaseName = `request-filing-${process.pid}`;
    let tablet = await replicas.open(staff, 'staff-tablet', { databaseName });
    await expect(fileRequest(closedAfterWrites(tablet.store), request('req-filing-1'), DOCUMENT)).rejects.toThrow('the app was closed');
    // The app opened again on the same storage, and the form submitted again (a new request id).
    await replicas.close(tablet);
    tablet = await replicas.open(staff, 'staff-tablet-again', { databaseName });
    expect(await heldRequests(tablet)).toEqual([]);
    await fileRequest(tablet.store, request('req-filing-2'), DOCUMENT);

    const office = await replicas.open(approver, 'approver-office');
    await syncAll([tablet, office]);
    // The approver holds one request, with its document, whose bytes they can open.
    expect(await heldRequests(office)).toEqual([{ id: 'req-filing-2', documents: [SHA] }]);
    const [fact] = await office.store.db.rows.find({ selector: { type: 'fact', kind: 'attachment', subject: subjectOf('request', 'req-filing-2') } }).exec();
    const bytes = await office.store.attachments.open(SHA, fact!.id);
    expect(bytes && createHash('sha256').update(bytes).digest('hex')).toBe(SHA);
    // Nothing of either attempt is left waiting, refused or unsent on the tablet.
    await tablet.sync!.drainAttachments();
    expect(await tablet.store.book.outboxIds()).toEqual([]);
    expect(tablet.store.status.get().refusals).toEqual([]);
    expect(tablet.store.status.get().attachments.queued).toBe(0);
  }, 90_000);

  it('refused by the record rules, writes nothing: no document is left behind, nothing waits to go up', async () => {
    const tablet = await replicas.open(staff, 'staff-tablet-refused');
    // A request the form's checks would not let through, given to the filing directly: its purpose is not text.
    const refused = { ...request('req-filing-3'), purpose: 42 } as unknown as UseRequest;
    await expect(fileRequest(tablet.store, refused, DOCUMENT)).rejects.toMatchObject({ code: 'invalid_record' });
    expect(await tablet.store.query.facts('attachment')).toEqual([]);
    expect(await tablet.store.book.outboxIds()).toEqual([]);
    expect(await tablet.store.book.blob(SHA)).toBeUndefined();
  }, 60_000);

});
