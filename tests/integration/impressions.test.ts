/**
 * Electronic impressions through the API (ADR 008): a request names a real PDF's SHA-256, an
 * approver signs it with a passkey, the holder's tablet applies the seal under the electronic
 * grant and signs offline, the impression syncs, and the organisation countersigns — pdfsig finds
 * both signatures valid. Then everything that must not be countersigned is refused with its code.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  checkPdfSignatures, electronicGrantBody, ORG_COUNTERSIGNATURE_FIELD, factRowId, fromPem, signPdf, subjectOf, verificationCodeOf, withContentId, type Decision, type ElectronicGrant, type Impression, type UseRequest,
} from '@seal/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stampAsTheApp } from '../stampedPdfs';
import { decision, sealMove, sealRecord } from './fixtures';
import { holderSigner } from './electronicGrantWorld';
import { openReplica, setUpWorld, startSyncServer, syncAll, type Person, type RunningSync, type World } from './harness';

const run = promisify(execFile);
const FIXTURE = new URL('../fixtures/documents/fontconfig-user.pdf', import.meta.url);
const HOUR = 3_600_000;

let running: RunningSync;
let world: World;
let staff: Person;
let custodian: Person;
let approver: Person;
let dir: string;
let source: Uint8Array;
let request: UseRequest;
let grant: ElectronicGrant;
let counter = 0;
/** The organisation CA's certificate (DER). */
let ca: Uint8Array;

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const call = (method: 'GET' | 'POST', url: string, person?: Person, body?: unknown) => running.server.call(method, url, { ...(person ? { cookie: person.cookie } : {}), ...(body === undefined ? {} : { body }) });

/** A holder's signer for a seal: a fresh non-extractable key and the certificate the server issued for it. */

/** What the tablet does offline: draw the seal and QR as the app does (its layout recorded), sign, and record the impression. */
async function stamp(holder: Awaited<ReturnType<typeof holderSigner>>, over: Partial<Impression> = {}, claimedAt = Date.now(), pdf = source) {
  const id = `impression-${process.pid}-${String(++counter).padStart(5, '0')}`.padEnd(22, '0');
  const at = Math.floor(claimedAt / 1000) * 1000;
  const code = await verificationCodeOf(id);
  const layout = { placements: [{ page: 0, x: 150, y: 200 }], origin: running.server.config.origins[0]! };
  const signed = await stampAsTheApp(pdf, { look: { kind: 'contract', name: '合同专用章' }, unitName: 'Site 项目部', layout, code }, holder.signer, { id, sealId: grant.sealId, claimedAt: at });
  const impression: Impression = {
    id: id as Impression['id'], grantId: grant.id, requestId: request.id, sealId: grant.sealId, holderId: grant.holderId, sourceSha256: sha(pdf), signedSha256: sha(signed),
    certificateSerial: holder.serial, claimedAt: at, pages: [1], verificationCode: code, layout, ...over,
  };
  return { signed, impression };
}

const rowOf = (kind: 'impression' | 'electronic_grant', body: { id: string; requestId?: string }, author: Person) => ({
  id: factRowId(kind, body.id), type: 'fact', kind, subject: subjectOf('request', body.requestId ?? request.id), scopeUnitId: world.siteId, author: author.userId, createdAt: Date.now(), body,
});
async function push(kind: 'impression' | 'electronic_grant', body: object, author: Person = staff) {
  const answer = await call('POST', '/api/sync/push', author, { rows: [rowOf(kind, body as { id: string }, author)] });
  expect(answer.statusCode, answer.body).toBe(200);
  return answer.json<{ results: { status: string; code?: string; message?: string }[] }>().results[0]!;
}
/** Every audit record, as an administrator reads them page by page. */
async function auditRecords(): Promise<{ action: string; target: { id: string }; after?: unknown }[]> {
  const all: { action: string; target: { id: string }; after?: unknown }[] = [];
  for (let after = 0; ;) {
    const page = (await call('GET', `/api/audit?limit=500&after=${after}`, world.admin)).json<{ records: typeof all; nextAfter: number }>();
    all.push(...page.records);
    if (page.nextAfter === after) return all;
    after = page.nextAfter;
  }
}
const countersign = (id: string, pdf: Uint8Array, person: Person = staff) => call('POST', `/api/documents/impressions/${id}/countersign`, person, { pdf: Buffer.from(pdf).toString('base64') });

beforeAll(async () => {
  running = await startSyncServer(); // ELECTRONIC_SIGNING is on by default now
  world = await setUpWorld(running.server);
  custodian = await world.person(world.siteId, ['custodian'], 'Custodian 保管员');
  staff = await world.person(world.siteId, ['staff'], 'Staff 经办人');
  approver = await world.person(world.branchId, ['approver'], 'Approver 审批人');
  source = new Uint8Array(await readFile(FIXTURE));
  ca = fromPem('CERTIFICATE', (await call('GET', '/api/documents/ca')).json<{ certificate: string }>().certificate)[0]!;
  const now = Date.now();
  request = {
    id: 'req-e-1', requesterId: staff.userId, unitId: world.siteId, sealId: 'eseal-1', document: { title: '分包合同 Subcontract', sha256: sha(source), pages: 1 },
    copies: 1, purpose: 'sign', usesRequested: 2, window: { notBefore: now - HOUR, notAfter: now + 24 * HOUR }, place: { unitId: world.siteId }, createdAt: now - HOUR,
  } as UseRequest;
  const custodianTablet = await openReplica(running.url, custodian, 'custodian-tablet');
  for (const id of ['eseal-1', 'eseal-2']) {
    await custodianTablet.store.records.create('seal', sealRecord(id, world.siteId, custodian.userId));
    await custodianTablet.store.facts.append('seal_status_change', sealMove(id, null, 'active', custodian.userId, 'custodian', now - 2 * HOUR), world.siteId);
  }
  const staffTablet = await openReplica(running.url, staff, 'staff-tablet');
  await syncAll([custodianTablet]);
  await staffTablet.store.records.create('request', request);
  await syncAll([staffTablet]);
  const approverTablet = await openReplica(running.url, approver, 'approver-tablet');
  const approval = (await withContentId(await decision(approver, request, 'approve', now - 30 * 60_000))) as Decision;
  await approverTablet.store.facts.append('decision', approval, world.siteId);
  await syncAll([custodianTablet, staffTablet, approverTablet]);
  await Promise.all([custodianTablet.close(), staffTablet.close(), approverTablet.close()]);
  const body = electronicGrantBody(request, { id: 'eseal-1' as never, form: 'electronic' }, [approval]);
  if (!body.ok) throw new Error(body.error.message);
  grant = (await withContentId(body.value)) as ElectronicGrant;
  expect(await push('electronic_grant', grant)).toMatchObject({ status: 'accepted' });
  dir = await mkdtemp(join(tmpdir(), 'impressions-'));
});
afterAll(async () => {
  await running?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('electronic impressions', () => {
  it('an honest impression syncs, is countersigned, and pdfsig finds both signatures valid; /verify finds it by code and by hash', async () => {
    const holder = await holderSigner(running, staff, 'eseal-1');
    const { signed, impression } = await stamp(holder);
    expect(await push('impression', impression)).toMatchObject({ status: 'accepted' });
    const answer = await countersign(impression.id, signed);
    expect(answer.statusCode, answer.body).toBe(200);
    const body = answer.json<{ pdf: string; sha256: string }>();
    const twice = Buffer.from(body.pdf, 'base64');
    expect(twice.subarray(0, signed.length).equals(Buffer.from(signed))).toBe(true);
    expect(sha(twice)).toBe(body.sha256);
    // The organisation's signature is told by its certificate's purpose, which no seal holder's carries.
    expect((await checkPdfSignatures(twice, [ca])).map((c) => ({ field: c.field, chained: c.chained, countersigner: c.countersigner })))
      .toEqual([{ field: `seal:eseal-1:${impression.id}`, chained: true, countersigner: false }, { field: ORG_COUNTERSIGNATURE_FIELD, chained: true, countersigner: true }]);

    const nss = join(dir, 'nss');
    await run('mkdir', ['-p', nss]);
    await run('certutil', ['-N', '-d', `sql:${nss}`, '--empty-password']);
    await writeFile(join(dir, 'ca.pem'), (await call('GET', '/api/documents/ca')).json<{ certificate: string }>().certificate);
    await run('certutil', ['-A', '-d', `sql:${nss}`, '-n', 'org CA', '-t', 'CT,C,C', '-i', join(dir, 'ca.pem')]);
    await writeFile(join(dir, 'countersigned.pdf'), twice);
    const { stdout } = await run('pdfsig', ['-nssdir', `sql:${nss}`, join(dir, 'countersigned.pdf')]);
    const [seal, org] = stdout.split(/^Signature #\d+:$/m).slice(1);
    expect(seal).toContain(`Signature Field Name: seal:eseal-1:${impression.id}`);
    expect(seal).toContain('Signature Validation: Signature is Valid.');
    expect(org).toContain('Signature Field Name: org-countersignature');
    expect(org).toContain('Signature Validation: Signature is Valid.');
    expect(org).toContain('Certificate Validation: Certificate is Trusted.');

    // A retry answers the countersignature on record.
    expect((await countersign(impression.id, signed)).json<{ sha256: string }>().sha256).toBe(body.sha256);

    const byCode = await call('GET', `/api/verify/${impression.verificationCode.slice(0, 4).toLowerCase()}-${impression.verificationCode.slice(4)}`);
    expect(byCode.statusCode, byCode.body).toBe(200);
    const record = byCode.json<{ record: Record<string, unknown> }>().record;
    expect(record).toMatchObject({
      kind: 'electronic', seal: { name: '合同专用章', form: 'electronic', status: 'active' }, request: { documentSha256: sha(source) },
      approvals: [{ approverName: 'Approver 审批人', role: 'approver', verified: true }],
      impression: { authorised: true, holderName: 'Staff 经办人', signedSha256: impression.signedSha256 },
      countersignature: { status: 'present', countersignedSha256: body.sha256 }, certificate: { status: 'valid' },
    });
    // Nothing that names a person by id, nor the request's purpose.
    expect(JSON.stringify(record)).not.toContain(staff.userId);
    expect(JSON.stringify(record)).not.toContain(approver.userId);

    const byPdf = await call('POST', '/api/verify/pdf', undefined, { pdf: body.pdf });
    expect(byPdf.json()).toMatchObject({ match: 'countersigned', record: { impression: { verificationCode: impression.verificationCode } } });
    expect((await call('POST', '/api/verify/pdf', undefined, { sha256: impression.signedSha256 })).json()).toMatchObject({ match: 'signed' });
    // The holder's signed file itself: its seal signature bears the record out.
    expect((await call('POST', '/api/verify/pdf', undefined, { pdf: Buffer.from(signed).toString('base64') })).json())
      .toMatchObject({ match: 'signed', message: expect.stringContaining('seal signature is intact') as unknown, record: { impression: { verificationCode: impression.verificationCode } } });
    const changed = Buffer.from(twice);
    changed[4000] = changed[4000]! ^ 0x01;
    const refused = await call('POST', '/api/verify/pdf', undefined, { pdf: changed.toString('base64') });
    expect(refused.json()).toMatchObject({ match: 'none', record: null, message: expect.stringContaining('changed') as unknown });
  });

  it('refuses a PDF other than the approved one on push, and a changed byte, an unknown impression or forged fields at countersignature', async () => {
    const holder = await holderSigner(running, staff, 'eseal-1');
    // The same PDF with one more byte at its end: still a PDF, not the approved one.
    const other = new Uint8Array([...source, 0x0a]);
    const wrong = await stamp(holder, {}, Date.now(), other);
    expect(await push('impression', wrong.impression)).toMatchObject({ status: 'refused', code: 'impression_wrong_document' });
    expect((await countersign(wrong.impression.id, wrong.signed)).statusCode).toBe(404);

    const honest = await stamp(holder);
    expect(await push('impression', { ...honest.impression, verificationCode: await verificationCodeOf('someone-else-000001') })).toMatchObject({ status: 'refused', code: 'impression_code_mismatch' });
    expect(await push('impression', { ...honest.impression, holderId: custodian.userId }, custodian)).toMatchObject({ status: 'refused' });
    expect(await push('impression', { ...honest.impression, debug: true })).toMatchObject({ status: 'refused', code: 'invalid_row' });
    expect(await push('impression', { ...honest.impression, certificateSerial: 'ab'.repeat(16) })).toMatchObject({ status: 'refused', code: 'impression_unknown_certificate' });
    expect(await push('impression', { ...honest.impression, grantId: 'f'.repeat(64) })).toMatchObject({ status: 'refused' });
    expect(await push('impression', honest.impression)).toMatchObject({ status: 'accepted' });

    const changed = honest.signed.slice();
    changed[3000] = changed[3000]! ^ 0x20;
    const mismatch = await countersign(honest.impression.id, changed);
    expect({ status: mismatch.statusCode, error: mismatch.json<{ error: string }>().error }).toEqual({ status: 422, error: 'pdf_mismatch' });
    expect((await countersign('no-such-impression-0001', honest.signed)).statusCode).toBe(404);
    expect((await call('POST', `/api/documents/impressions/${honest.impression.id}/countersign`, staff, { pdf: 'AAAA', extra: 1 })).json()).toMatchObject({ error: 'invalid_body' });
    expect((await countersign(honest.impression.id, honest.signed)).statusCode).toBe(200);
  });

  it('refuses another seal\'s certificate, a use beyond the approved ones, and a claim outside the window', async () => {
    const otherSeal = await holderSigner(running, staff, 'eseal-2');
    const foreign = await stamp(otherSeal);
    expect(await push('impression', foreign.impression)).toMatchObject({ status: 'refused', code: 'impression_wrong_certificate' });

    const holder = await holderSigner(running, staff, 'eseal-1');
    // Two uses are approved; both were used above. A third happened (offline): kept, flagged, never countersigned.
    const third = await stamp(holder);
    expect(await push('impression', third.impression)).toMatchObject({ status: 'accepted' });
    const beyond = await countersign(third.impression.id, third.signed);
    expect({ status: beyond.statusCode, error: beyond.json<{ error: string }>().error }).toEqual({ status: 422, error: 'impression_beyond_uses' });
    // Claimed before the two countersigned ones, an impression would take the first use's place by
    // the impression rule alone: the organisation countersigns no more than the uses approved.
    const backdated = await stamp(holder, {}, Date.now() - 4 * 60_000);
    expect(await push('impression', backdated.impression)).toMatchObject({ status: 'accepted' });
    const twice = await countersign(backdated.impression.id, backdated.signed);
    expect({ status: twice.statusCode, error: twice.json<{ error: string }>().error, message: twice.json<{ message: string }>().message })
      .toMatchObject({ status: 422, error: 'not_countersignable', message: expect.stringContaining('are countersigned already') as unknown });
    const byCode = await call('GET', `/api/verify/${third.impression.verificationCode}`);
    // Beyond the uses by the impression rule, and its uses countersigned by others: both said.
    expect(byCode.json()).toMatchObject({ record: { impression: { authorised: false, problems: ['impression_beyond_uses', 'uses_countersigned'] }, countersignature: { status: 'awaiting' } } });

    // A certificate the organisation never issued is refused even on an impression that is an
    // anomaly anyway (outside the window): it is not kept as a fact naming any serial it likes.
    const unknownSerial = await stamp(holder, { certificateSerial: 'f'.repeat(32) }, request.window.notBefore - HOUR);
    expect(await push('impression', unknownSerial.impression)).toMatchObject({ status: 'refused', code: 'impression_unknown_certificate' });
    const early = await stamp(holder, {}, request.window.notBefore - HOUR);
    expect(await push('impression', early.impression)).toMatchObject({ status: 'accepted' });
    const outside = await countersign(early.impression.id, early.signed);
    expect(outside.statusCode).toBe(422);
    expect(['impression_outside_window', 'not_countersignable']).toContain(outside.json<{ error: string }>().error);
  });

  it('a revoked certificate signs nothing the organisation countersigns after its revocation', async () => {
    const holder = await holderSigner(running, staff, 'eseal-1');
    const revoked = await call('POST', `/api/documents/signing-certificates/${holder.serial}/revoke`, custodian, { reason: 'tablet lost' });
    expect(revoked.statusCode).toBe(200);
    const late = await stamp(holder, {}, Date.now() + 2000);
    expect(await push('impression', late.impression)).toMatchObject({ status: 'accepted' });
    const answer = await countersign(late.impression.id, late.signed);
    expect(answer.statusCode).toBe(422);
    expect(answer.json<{ message: string }>().message).toMatch(/revoked/);
  });

  it('suspending the seal revokes its live certificates, with the move as the reason (impressions claimed after it are then refused: see the revoked-certificate test)', async () => {
    const holder = await holderSigner(running, staff, 'eseal-2');
    const tablet = await openReplica(running.url, custodian, 'custodian-suspends');
    await tablet.store.facts.append('seal_status_change', sealMove('eseal-2', 'active', 'suspended', custodian.userId, 'custodian', Date.now()), world.siteId);
    await syncAll([tablet]);
    await tablet.close();
    const status = (await call('GET', `/api/documents/signing-certificates/${holder.serial}`)).json<{ record: { revokedAt: string | null; revocationReason: string | null } }>().record;
    expect(status.revokedAt).not.toBeNull();
    expect(status.revocationReason).toContain('suspended');
  });

  it('countersigns nothing under a request another approver has since rejected, or cancelled before the impression was made (one made before it is countersigned)', async () => {
    const now = Date.now();
    const second = await world.person(world.branchId, ['approver'], 'Second approver 第二审批人');
    const asked = ['req-e-veto', 'req-e-cancel', 'req-e-cancel-later'].map((id) => ({ ...request, id, createdAt: now - HOUR }) as UseRequest);
    const staffTablet = await openReplica(running.url, staff, 'staff-withdraws');
    const approverTablet = await openReplica(running.url, approver, 'approver-approves');
    const secondTablet = await openReplica(running.url, second, 'second-rejects');
    for (const r of asked) await staffTablet.store.records.create('request', r);
    await syncAll([staffTablet, approverTablet, secondTablet]);
    const grants: ElectronicGrant[] = [];
    for (const r of asked) {
      const approval = (await withContentId(await decision(approver, r, 'approve', now - 20 * 60_000))) as Decision;
      await approverTablet.store.facts.append('decision', approval, world.siteId);
      const body = electronicGrantBody(r, { id: 'eseal-1' as never, form: 'electronic' }, [approval]);
      if (!body.ok) throw new Error(body.error.message);
      grants.push((await withContentId(body.value)) as ElectronicGrant);
    }
    await syncAll([approverTablet]);
    for (const g of grants) expect(await push('electronic_grant', g)).toMatchObject({ status: 'accepted' });
    // Then the second approver rejects the first request, and the requester withdraws the second.
    await secondTablet.store.facts.append('decision', (await withContentId(await decision(second, asked[0]!, 'reject', now - 10 * 60_000))), world.siteId);
    const at = now - 60_000;
    for (const r of asked.slice(1)) await staffTablet.store.facts.append('cancellation', { id: `${r.id}:cancel:${staff.userId}:${at}`, requestId: r.id, actorId: staff.userId, reason: '不再需要', at } as never, world.siteId);
    await syncAll([staffTablet, secondTablet]);
    await Promise.all([staffTablet.close(), approverTablet.close(), secondTablet.close()]);

    const holder = await holderSigner(running, staff, 'eseal-1');
    const answers: string[] = [];
    for (const [i, r] of asked.slice(0, 2).entries()) {
      const made = await stamp(holder, { grantId: grants[i]!.id, requestId: r.id });
      const pushed = await push('impression', made.impression);
      expect(pushed, JSON.stringify(pushed)).toMatchObject({ status: 'accepted' });
      const answer = await countersign(made.impression.id, made.signed);
      expect(answer.statusCode, answer.body).toBe(422);
      answers.push(answer.json<{ message: string }>().message);
    }
    expect(answers[0]).toContain('was rejected');
    expect(answers[1]).toContain('was cancelled');
    // Asked again and again, a refusal is audited once an hour per impression and code (a file
    // that is not the impression's included): a loop grows no audit chain.
    const first = await stamp(holder, { grantId: grants[0]!.id, requestId: asked[0]!.id });
    expect(await push('impression', first.impression)).toMatchObject({ status: 'accepted' });
    for (let i = 0; i < 3; i++) {
      expect((await countersign(first.impression.id, first.signed)).statusCode).toBe(422);
      expect((await countersign(first.impression.id, new Uint8Array([...first.signed, 0x0a]))).json()).toMatchObject({ error: 'pdf_mismatch' });
    }
    const refusals = (await auditRecords()).filter((r) => r.action === 'document.countersign_refused' && r.target.id === first.impression.id);
    expect(refusals.map((r) => (r.after as { code: string }).code).sort()).toEqual(['not_countersignable', 'pdf_mismatch']);
    // Made before the cancellation (offline, say), an impression is still the organisation's to countersign.
    const before = await stamp(holder, { grantId: grants[2]!.id, requestId: asked[2]!.id }, at - 60_000);
    expect(await push('impression', before.impression)).toMatchObject({ status: 'accepted' });
    const countersigned = await countersign(before.impression.id, before.signed);
    expect(countersigned.statusCode, countersigned.body).toBe(200);
  });

  it('vouches for no file on a holder\'s word: an impression recording the hash of a file the seal never signed', async () => {
    const holder = await holderSigner(running, staff, 'eseal-1');
    const honest = await stamp(holder);
    // The impression is genuine in all but one field: it names the hash of an unsigned file.
    const unsigned = new Uint8Array([...source, ...new TextEncoder().encode('\n% not signed by any seal\n')]);
    const forged = { ...honest.impression, signedSha256: sha(unsigned) };
    expect(await push('impression', forged)).toMatchObject({ status: 'accepted' });
    const byFile = await call('POST', '/api/verify/pdf', undefined, { pdf: Buffer.from(unsigned).toString('base64') });
    expect(byFile.json()).toMatchObject({ match: 'none', record: null });
    // By its hash alone, the answer says the record proves nothing until the signature is checked.
    expect((await call('POST', '/api/verify/pdf', undefined, { sha256: sha(unsigned) })).json())
      .toMatchObject({ match: 'signed', message: expect.stringContaining('does not prove the seal signed it') as unknown });

    // A genuinely signed file with bytes appended after the seal's signature (an edit no signature covers).
    const signedThenEdited = await stamp(holder);
    const edited = new Uint8Array([...signedThenEdited.signed, ...new TextEncoder().encode('\n% appended after signing\n')]);
    expect(await push('impression', { ...signedThenEdited.impression, signedSha256: sha(edited) })).toMatchObject({ status: 'accepted' });
    expect((await call('POST', '/api/verify/pdf', undefined, { pdf: Buffer.from(edited).toString('base64') })).json()).toMatchObject({ match: 'none', record: null });
    // Signed in the impression's field, but with another certificate than the one it names.
    const other = await holderSigner(running, staff, 'eseal-1');
    const byOther = await stamp(other);
    expect(await push('impression', { ...byOther.impression, certificateSerial: holder.serial })).toMatchObject({ status: 'accepted' });
    expect((await call('POST', '/api/verify/pdf', undefined, { pdf: Buffer.from(byOther.signed).toString('base64') })).json()).toMatchObject({ match: 'none', record: null });
    // An edit appended after the seal's signature, then signed by the holder in a field named as the
    // organisation's countersignature: their certificate chains to the organisation CA, but it is a
    // seal holder's, not one issued for countersigning.
    const sealed = await stamp(holder);
    const changedClause = new Uint8Array([...sealed.signed, ...new TextEncoder().encode('\n% clause 7 changed after signing\n')]);
    const selfCountersigned = await signPdf(changedClause, holder.signer, { name: ORG_COUNTERSIGNATURE_FIELD, signedAt: new Date(), reason: 'Countersigned' });
    const checks = await checkPdfSignatures(selfCountersigned, [ca]);
    expect(checks.map((c) => ({ field: c.field, intact: c.intact, chained: c.chained, countersigner: c.countersigner })))
      .toEqual([{ field: `seal:eseal-1:${sealed.impression.id}`, intact: true, chained: true, countersigner: false }, { field: ORG_COUNTERSIGNATURE_FIELD, intact: true, chained: true, countersigner: false }]);
    expect(await push('impression', { ...sealed.impression, signedSha256: sha(selfCountersigned) })).toMatchObject({ status: 'accepted' });
    expect((await call('POST', '/api/verify/pdf', undefined, { pdf: Buffer.from(selfCountersigned).toString('base64') })).json()).toMatchObject({ match: 'none', record: null });
  });

  it('/verify answers an unknown code 404 and a mistyped one 400, plainly', async () => {
    const code = await verificationCodeOf('never-recorded-00001');
    const unknown = await call('GET', `/api/verify/${code}`);
    expect({ status: unknown.statusCode, error: unknown.json<{ error: string }>().error }).toEqual({ status: 404, error: 'unknown_code' });
    const typo = `${code.slice(0, 10)}${code[10] === '2' ? '3' : '2'}`;
    expect((await call('GET', `/api/verify/${typo}`)).json()).toMatchObject({ error: 'verification_code_mistyped' });
    expect((await call('POST', '/api/verify/pdf', undefined, {})).json()).toMatchObject({ error: 'invalid_body' });
    expect((await call('POST', '/api/verify/pdf', undefined, { pdf: 'JVBERi0=' })).json()).toMatchObject({ match: 'none' });
    expect((await call('GET', `/api/verify/SEALCTL:REQ:${request.id}`)).json()).toMatchObject({ record: { kind: 'physical', approvals: [{ verified: true }] } });
    expect((await call('GET', '/api/verify/SEALCTL:REQ:nope')).statusCode).toBe(404);
  });

  it('the archive lists the impressions to whoever reads their unit, found by code with or without dashes, and to nobody outside', async () => {
    const listing = await call('GET', '/api/archive', custodian);
    expect(listing.statusCode, listing.body).toBe(200);
    const entries = listing.json<{ entries: { kind: string; code: string; title: string; sealName: string; filedByName: string; countersigned?: boolean }[] }>().entries.filter((e) => e.kind === 'electronic_impression');
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => e.title === '分包合同 Subcontract' && e.sealName === '合同专用章' && e.filedByName === 'Staff 经办人')).toBe(true);
    expect(entries.some((e) => e.countersigned === true)).toBe(true);
    const one = entries[0]!;
    for (const code of [one.code, one.code.replace(/-/g, '').toLowerCase()]) {
      const found = await call('GET', `/api/archive?code=${encodeURIComponent(code)}`, custodian);
      expect(found.json<{ entries: { code: string }[] }>().entries.map((e) => e.code)).toEqual([one.code]);
    }
    const outsider = await world.person(world.otherBranchId, ['custodian'], 'Other custodian');
    const theirs = await call('GET', '/api/archive', outsider);
    expect(theirs.statusCode).toBe(200);
    expect(theirs.json<{ total: number }>().total).toBe(0);
    expect((await call('GET', '/api/archive', staff)).statusCode).toBe(403);
  });
});
