/**
 * An electronic seal's impression stands only as what the organisation approved. The server
 * countersigns a PDF only when the approved document's bytes, as they were, are its first
 * revision (an impression's source hash is only the holder's claim: a wholly different PDF
 * claiming it is refused; what a later revision may add is impressionContent.test.ts's). And `/verify` tells a stranger what the countersignature route
 * decides: an impression under a vetoed request, or made after the request was withdrawn, is not
 * authorised; of two impressions for one approved use, the one countersigned is, the one claimed
 * earlier but never countersigned is not.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import {
  electronicGrantBody, factRowId, subjectOf, verificationCodeOf, withContentId, type Decision, type ElectronicGrant, type Impression, type UseRequest,
} from '@seal/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stampAsTheApp } from '../stampedPdfs';
import { decision, sealMove, sealRecord } from './fixtures';
import { holderSigner } from './electronicGrantWorld';
import { openReplica, setUpWorld, startSyncServer, syncAll, type Person, type RunningSync, type World } from './harness';

const FIXTURE = new URL('../fixtures/documents/fontconfig-user.pdf', import.meta.url);
const HOUR = 3_600_000;
let running: RunningSync; let world: World; let staff: Person; let custodian: Person; let approver: Person;
let source: Uint8Array; let request: UseRequest; let grant: ElectronicGrant; let counter = 0;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const call = (method: 'GET' | 'POST', url: string, person?: Person, body?: unknown) => running.server.call(method, url, { ...(person ? { cookie: person.cookie } : {}), ...(body === undefined ? {} : { body }) });
/** The tablet's impression: seal and QR drawn as the app draws them (layout recorded), signed, recorded. */
async function stamp(holder: Awaited<ReturnType<typeof holderSigner>>, over: Partial<Impression> = {}, claimedAt = Date.now(), pdf = source, g = grant) {
  const id = `imp-${process.pid}-${String(++counter).padStart(5, '0')}`.padEnd(22, '0');
  const at = Math.floor(claimedAt / 1000) * 1000;
  const code = await verificationCodeOf(id);
  const layout = { placements: [{ page: 0, x: 150, y: 200 }], origin: running.server.config.origins[0]! };
  const signed = await stampAsTheApp(pdf, { look: { kind: 'contract', name: '合同专用章' }, unitName: 'Site 项目部', layout, code }, holder.signer, { id, sealId: g.sealId, claimedAt: at });
  const impression: Impression = {
    id: id as Impression['id'], grantId: g.id, requestId: g.requestId, sealId: g.sealId, holderId: g.holderId, sourceSha256: sha(pdf), signedSha256: sha(signed),
    certificateSerial: holder.serial, claimedAt: at, pages: [1], verificationCode: code, layout, ...over,
  };
  return { signed, impression };
}
const rowOf = (kind: string, body: { id: string; requestId?: string }, author: Person) => ({
  id: factRowId(kind as never, body.id), type: 'fact', kind, subject: subjectOf('request', body.requestId ?? request.id), scopeUnitId: world.siteId, author: author.userId, createdAt: Date.now(), body,
});
async function push(kind: string, body: object, author: Person = staff) {
  const answer = await call('POST', '/api/sync/push', author, { rows: [rowOf(kind, body as { id: string }, author)] });
  expect(answer.statusCode, answer.body).toBe(200);
  return answer.json<{ results: { status: string; code?: string; message?: string }[] }>().results[0]!;
}
const countersign = (id: string, pdf: Uint8Array, person: Person = staff) => call('POST', `/api/documents/impressions/${id}/countersign`, person, { pdf: Buffer.from(pdf).toString('base64') });

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  custodian = await world.person(world.siteId, ['custodian'], 'Custodian');
  staff = await world.person(world.siteId, ['staff'], 'Staff');
  approver = await world.person(world.branchId, ['approver'], 'Approver');
  source = new Uint8Array(await readFile(FIXTURE));
  const now = Date.now();
  request = {
    id: 'req-e-1', requesterId: staff.userId, unitId: world.siteId, sealId: 'eseal-1', document: { title: 'Approved doc', sha256: sha(source), pages: 1 },
    copies: 1, purpose: 'sign', usesRequested: 1, window: { notBefore: now - HOUR, notAfter: now + 24 * HOUR }, place: { unitId: world.siteId }, createdAt: now - HOUR,
  } as UseRequest;
  const ct = await openReplica(running.url, custodian, 'ct');
  await ct.store.records.create('seal', sealRecord('eseal-1', world.siteId, custodian.userId));
  await ct.store.facts.append('seal_status_change', sealMove('eseal-1', null, 'active', custodian.userId, 'custodian', now - 2 * HOUR), world.siteId);
  const st = await openReplica(running.url, staff, 'st');
  await syncAll([ct]);
  await st.store.records.create('request', request);
  await syncAll([st]);
  const at = await openReplica(running.url, approver, 'at');
  const approval = (await withContentId(await decision(approver, request, 'approve', now - 30 * 60_000))) as Decision;
  await at.store.facts.append('decision', approval, world.siteId);
  await syncAll([ct, st, at]);
  await Promise.all([ct.close(), st.close(), at.close()]);
  const body = electronicGrantBody(request, { id: 'eseal-1' as never, form: 'electronic' }, [approval]);
  if (!body.ok) throw new Error(body.error.message);
  grant = (await withContentId(body.value)) as ElectronicGrant;
  expect(await push('electronic_grant', grant)).toMatchObject({ status: 'accepted' });
});
afterAll(async () => {
  await running?.close();
});


/** An approved request of its own (one use) and its electronic grant, pushed. */
async function approvedGrant(id: string): Promise<{ r: UseRequest; g: ElectronicGrant }> {
  const now = Date.now();
  const r = { ...request, id, createdAt: now - HOUR } as UseRequest;
  const st = await openReplica(running.url, staff, `st-${id}`);
  const ap = await openReplica(running.url, approver, `ap-${id}`);
  try {
    await st.store.records.create('request', r);
    await syncAll([st, ap]);
    const a = (await withContentId(await decision(approver, r, 'approve', now - 20 * 60_000))) as Decision;
    await ap.store.facts.append('decision', a, world.siteId);
    await syncAll([ap]);
    const body = electronicGrantBody(r, { id: 'eseal-1' as never, form: 'electronic' }, [a]);
    if (!body.ok) throw new Error(body.error.message);
    const g = (await withContentId(body.value)) as ElectronicGrant;
    expect(await push('electronic_grant', g)).toMatchObject({ status: 'accepted' });
    return { r, g };
  } finally {
    await Promise.all([st.close(), ap.close()]);
  }
}

interface PublicImpression { request: { status: string; usesApproved: number }; impression: { authorised: boolean; problems: string[] } }
async function publicImpression(code: string): Promise<PublicImpression> {
  const answer = await call('GET', `/api/verify/${code}`);
  expect(answer.statusCode, answer.body).toBe(200);
  const { request: r, impression: i } = answer.json<{ record: PublicImpression }>().record;
  return { request: { status: r.status, usesApproved: r.usesApproved }, impression: { authorised: i.authorised, problems: i.problems } };
}

describe("an electronic seal's impression", () => {
  it('is countersigned only on the approved file itself: a different PDF claiming its hash is refused', async () => {
    const doc = await PDFDocument.create();
    doc.addPage().drawText('I owe the attacker 1,000,000 CNY', { x: 50, y: 700, size: 18, font: await doc.embedFont(StandardFonts.Helvetica) });
    const other = new Uint8Array(await doc.save({ useObjectStreams: false }));
    const holder = await holderSigner(running, staff, 'eseal-1');
    const forged = await stamp(holder, { sourceSha256: sha(source) }, Date.now(), other);
    expect(await push('impression', forged.impression)).toMatchObject({ status: 'accepted' });
    const refused = await countersign(forged.impression.id, forged.signed);
    expect(refused.statusCode, refused.body).toBe(422);
    expect(refused.json<{ error: string; message: string }>()).toMatchObject({ error: 'not_countersignable', message: expect.stringContaining('does not begin with the approved document') as unknown });
    // The approved file, stamped as the app stamps it, is countersigned (under a request of its
    // own: the forged impression, claimed first, took request 1's one use).
    const { g } = await approvedGrant('req-e-honest');
    const honest = await stamp(holder, {}, Date.now(), source, g);
    expect(await push('impression', honest.impression)).toMatchObject({ status: 'accepted' });
    const ok = await countersign(honest.impression.id, honest.signed);
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('is not authorised on /verify under a vetoed request, nor after the request was withdrawn', async () => {
    const vetoed = await approvedGrant('req-e-veto');
    const withdrawn = await approvedGrant('req-e-withdrawn');
    const second = await world.person(world.branchId, ['approver'], 'Second approver');
    const se = await openReplica(running.url, second, 'se');
    const st = await openReplica(running.url, staff, 'st-w');
    try {
      await syncAll([se, st]);
      await se.store.facts.append('decision', await withContentId(await decision(second, vetoed.r, 'reject', Date.now() - 10 * 60_000)), world.siteId);
      const at = Date.now() - 60_000;
      await st.store.facts.append('cancellation', { id: `${withdrawn.r.id}:cancel:${staff.userId}:${at}`, requestId: withdrawn.r.id, actorId: staff.userId, reason: '不再需要', at } as never, world.siteId);
      await syncAll([se, st]);
    } finally {
      await Promise.all([se.close(), st.close()]);
    }
    const holder = await holderSigner(running, staff, 'eseal-1');
    for (const [{ g }, code, status] of [[vetoed, 'request_rejected', 'rejected'], [withdrawn, 'request_cancelled', 'cancelled']] as const) {
      const made = await stamp(holder, {}, Date.now(), source, g);
      expect(await push('impression', made.impression)).toMatchObject({ status: 'accepted' });
      expect((await countersign(made.impression.id, made.signed)).statusCode).toBe(422);
      expect(await publicImpression(made.impression.verificationCode)).toEqual({
        request: { status, usesApproved: status === 'rejected' ? 0 : 1 }, impression: { authorised: false, problems: [code] },
      });
    }
  });

  it('of two for one approved use, the countersigned one stands on /verify, the one claimed earlier but never countersigned does not', async () => {
    const { g } = await approvedGrant('req-e-uses');
    const holder = await holderSigner(running, staff, 'eseal-1');
    const first = await stamp(holder, {}, Date.now(), source, g);
    expect(await push('impression', first.impression)).toMatchObject({ status: 'accepted' });
    expect((await countersign(first.impression.id, first.signed)).statusCode).toBe(200);
    const earlier = await stamp(holder, {}, Date.now() - 60_000, source, g);
    expect(await push('impression', earlier.impression)).toMatchObject({ status: 'accepted' });
    expect((await countersign(earlier.impression.id, earlier.signed)).statusCode).toBe(422);
    expect(await publicImpression(first.impression.verificationCode)).toEqual({ request: { status: 'approved', usesApproved: 1 }, impression: { authorised: true, problems: [] } });
    expect(await publicImpression(earlier.impression.verificationCode)).toEqual({ request: { status: 'approved', usesApproved: 1 }, impression: { authorised: false, problems: ['uses_countersigned'] } });
    // Its approver leaves: the countersigned impression still stands (its grant was judged when taken).
    const left = await running.server.call('POST', `/api/users/${approver.userId}/deactivate`, { cookie: world.admin.cookie });
    expect(left.statusCode, left.body).toBe(200);
    expect(await publicImpression(first.impression.verificationCode)).toEqual({ request: { status: 'approved', usesApproved: 1 }, impression: { authorised: true, problems: [] } });
  });
});
