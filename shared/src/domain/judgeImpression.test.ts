import { beforeAll, describe, expect, it } from 'vitest';
import type { Roster } from '../crypto/roster';
import { SoftPasskey } from '../crypto/softPasskey';
import { withContentId } from './contentId';
import { decisionPayload, type Decision, type Verdict } from './decision';
import { deriveRequestStatus } from './deriveRequestStatus';
import type { ElectronicGrant } from './electronicGrant';
import { approverB1, approverHQ, auditor, contractSeal, custodianApprover, HOUR, request as physicalRequest, sealChange, staff, T0, UNITS, USERS } from './fixtures.testing';
import type { Impression, ImpressionId } from './impression';
import { issueElectronicGrant, judgeElectronicGrant } from './issueElectronicGrant';
import { judgeImpression, type ImpressionCertificate, type ImpressionRecords } from './judgeImpression';
import { approvalRouteFor } from './approvalRoute';
import type { ElectronicSeal } from './seal';
import type { User } from './user';
import type { UseRequest } from './useRequest';
import { verificationCodeOf } from './verificationCode';

const ORIGIN = 'https://seal.example';
const RP_ID = 'seal.example';
const passkeys = new Map<string, SoftPasskey>();
let roster: Roster;

/** An electronic contract seal of B1, and a request to apply it once... twice to one PDF. */
const eSeal: ElectronicSeal = { id: 'seal-e-b1' as ElectronicSeal['id'], name: '华东分公司合同专用章', kind: 'contract', form: 'electronic', unitId: contractSeal.unitId, custodianId: contractSeal.custodianId, status: 'active', createdAt: 1_000 };
const APPROVED = 'ab'.repeat(32);
const request: UseRequest = { ...physicalRequest, id: 'req-e' as UseRequest['id'], sealId: eSeal.id, document: { title: '合同', sha256: APPROVED, pages: 3 }, place: { unitId: physicalRequest.place.unitId } };

beforeAll(async () => {
  for (const user of USERS) passkeys.set(user.id, await SoftPasskey.create(ORIGIN, RP_ID));
  roster = {
    version: 1, issuedAt: T0, orgKeyId: 'A'.repeat(43), rpId: RP_ID, origins: [ORIGIN], revokedCredentials: [],
    users: USERS.map((u) => ({ id: u.id, displayName: u.name, roles: u.grants.map((g) => ({ role: g.role, unitId: g.unitId })), credentials: [passkeys.get(u.id)!.rosterCredential()] })),
    units: UNITS.map((u) => ({ id: u.id, parentId: u.parentId, kind: u.kind, ...(u.geofence ? { geofence: u.geofence } : {}) })),
  };
});

async function decide(approver: User, verdict: Verdict, terms: UseRequest = request): Promise<Decision> {
  const payload = decisionPayload(terms, verdict);
  return (await withContentId({ approverId: approver.id, payload, assertion: await passkeys.get(approver.id)!.assertRecord(payload), at: T0 - 1_000 })) as Decision;
}

async function grantOf(): Promise<ElectronicGrant> {
  const issued = await issueElectronicGrant({ request, seal: eSeal, roster }, [await decide(approverB1, 'approve'), await decide(approverHQ, 'approve')]);
  if (!issued.ok) throw new Error(issued.error.message);
  return issued.value;
}

const certificate: ImpressionCertificate = { serial: '0a'.repeat(16), sealId: eSeal.id, holderId: staff.id, notBefore: T0, notAfter: T0 + 72 * HOUR, revokedAt: null };

async function impressionOf(grant: ElectronicGrant, id: string, over: Partial<Impression> = {}): Promise<Impression> {
  return {
    id: id as ImpressionId, grantId: grant.id, requestId: request.id, sealId: eSeal.id, holderId: staff.id, sourceSha256: APPROVED, signedSha256: 'ee'.repeat(32),
    certificateSerial: certificate.serial, claimedAt: T0 + HOUR, pages: [1], verificationCode: await verificationCodeOf(id), ...over,
  };
}

const recordsOf = (grant: ElectronicGrant, over: Partial<ImpressionRecords> = {}): ImpressionRecords => ({ request, seal: eSeal, roster, grant, impressions: [], sealChanges: [], certificate, ...over });

describe('electronic grants', () => {
  it('bind the approved document hash and no device, and are judged valid as issued', async () => {
    const grant = await grantOf();
    expect(grant).toMatchObject({ form: 'electronic', documentSha256: APPROVED, holderId: staff.id, uses: 2 });
    expect('deviceId' in grant).toBe(false);
    expect(await judgeElectronicGrant(grant, { request, seal: eSeal, roster })).toMatchObject({ ok: true });
  });

  it('are refused for a physical seal, with another document, widened uses, or a forged holder', async () => {
    const grant = await grantOf();
    const rehash = async (g: Omit<ElectronicGrant, 'id'>) => (await withContentId(g)) as ElectronicGrant;
    const { id: _id, ...body } = grant;
    expect(await issueElectronicGrant({ request: { ...request, sealId: contractSeal.id }, seal: contractSeal, roster }, grant.decisions)).toMatchObject({ ok: false });
    expect(await judgeElectronicGrant(await rehash({ ...body, documentSha256: 'cd'.repeat(32) }), { request, seal: eSeal, roster })).toMatchObject({ ok: false, error: { code: 'grant_terms_mismatch' } });
    expect(await judgeElectronicGrant(await rehash({ ...body, uses: 9 }), { request, seal: eSeal, roster })).toMatchObject({ ok: false, error: { code: 'grant_terms_mismatch' } });
    expect(await judgeElectronicGrant(await rehash({ ...body, holderId: approverB1.id }), { request, seal: eSeal, roster })).toMatchObject({ ok: false, error: { code: 'grant_holder_mismatch' } });
    expect(await judgeElectronicGrant({ ...grant, uses: 1 }, { request, seal: eSeal, roster })).toMatchObject({ ok: false, error: { code: 'grant_id_mismatch' } });
    expect(await judgeElectronicGrant(grant, { request, seal: { ...eSeal, form: 'physical', deviceId: null, antiCounterfeitCode: '3301020012345' }, roster })).toMatchObject({ ok: false, error: { code: 'grant_wrong_device' } });
  });

  it('need approvals by entitled approvers: never the custodian alone, never someone without the approver role', async () => {
    expect(await issueElectronicGrant({ request, seal: eSeal, roster }, [await decide(custodianApprover, 'approve')])).toMatchObject({ ok: false, error: { code: 'grant_insufficient_approvals' } });
    expect(await issueElectronicGrant({ request, seal: eSeal, roster }, [await decide(auditor, 'approve')])).toMatchObject({ ok: false, error: { code: 'grant_insufficient_approvals' } });
    expect(await issueElectronicGrant({ request, seal: eSeal, roster }, [await decide(approverB1, 'approve'), await decide(approverHQ, 'reject')])).toMatchObject({ ok: false, error: { code: 'grant_rejected' } });
  });
});

describe('judgeImpression', () => {
  it('authorises an honest impression and numbers it among the request\'s uses', async () => {
    const grant = await grantOf();
    const first = await impressionOf(grant, 'impression-first-0001');
    expect(await judgeImpression(first, recordsOf(grant))).toMatchObject({ ok: true, value: { ordinal: 1 } });
    const second = await impressionOf(grant, 'impression-second-001', { claimedAt: T0 + 2 * HOUR });
    expect(await judgeImpression(second, recordsOf(grant, { impressions: [first, first, second] }))).toMatchObject({ ok: true, value: { ordinal: 2 } });
  });

  it('refuses a PDF other than the approved one, saying so', async () => {
    const grant = await grantOf();
    const wrong = await impressionOf(grant, 'impression-wrong-doc1', { sourceSha256: 'cd'.repeat(32) });
    expect(await judgeImpression(wrong, recordsOf(grant))).toMatchObject({ ok: false, error: { code: 'impression_wrong_document', message: expect.stringContaining('not the document that was approved') as unknown } });
  });

  it('refuses a use beyond the approved ones, whichever impression arrives last', async () => {
    const grant = await grantOf();
    const a = await impressionOf(grant, 'impression-a-00000001', { claimedAt: T0 + HOUR });
    const b = await impressionOf(grant, 'impression-b-00000001', { claimedAt: T0 + 2 * HOUR });
    const c = await impressionOf(grant, 'impression-c-00000001', { claimedAt: T0 + 3 * HOUR });
    expect(await judgeImpression(c, recordsOf(grant, { impressions: [a, b] }))).toMatchObject({ ok: false, error: { code: 'impression_beyond_uses' } });
    // The earliest claimed keeps its use even when it is judged after the others.
    expect(await judgeImpression(a, recordsOf(grant, { impressions: [b, c] }))).toMatchObject({ ok: true, value: { ordinal: 1 } });
  });

  it('refuses outside the window, while the seal is suspended, and under a certificate not the seal\'s and holder\'s, expired or revoked', async () => {
    const grant = await grantOf();
    const at = (claimedAt: number) => impressionOf(grant, 'impression-timed-0001', { claimedAt });
    expect(await judgeImpression(await at(T0 - 1), recordsOf(grant))).toMatchObject({ ok: false, error: { code: 'impression_outside_window' } });
    expect(await judgeImpression(await at(T0 + 25 * HOUR), recordsOf(grant))).toMatchObject({ ok: false, error: { code: 'impression_outside_window' } });
    const suspended = [sealChange(null, 'active', 1_000), sealChange('active', 'suspended', T0 + 30 * 60_000)].map((c) => ({ ...c, sealId: eSeal.id }));
    expect(await judgeImpression(await at(T0 + HOUR), recordsOf(grant, { sealChanges: suspended }))).toMatchObject({ ok: false, error: { code: 'impression_seal_inactive' } });
    expect(await judgeImpression(await at(T0 + 10 * 60_000), recordsOf(grant, { sealChanges: suspended }))).toMatchObject({ ok: true });
    const honest = await at(T0 + HOUR);
    expect(await judgeImpression(honest, recordsOf(grant, { certificate: null }))).toMatchObject({ ok: false, error: { code: 'impression_unknown_certificate' } });
    expect(await judgeImpression(honest, recordsOf(grant, { certificate: { ...certificate, serial: '0b'.repeat(16) } }))).toMatchObject({ ok: false, error: { code: 'impression_unknown_certificate' } });
    expect(await judgeImpression(honest, recordsOf(grant, { certificate: { ...certificate, sealId: contractSeal.id } }))).toMatchObject({ ok: false, error: { code: 'impression_wrong_certificate' } });
    expect(await judgeImpression(honest, recordsOf(grant, { certificate: { ...certificate, holderId: approverB1.id } }))).toMatchObject({ ok: false, error: { code: 'impression_wrong_certificate' } });
    expect(await judgeImpression(honest, recordsOf(grant, { certificate: { ...certificate, notAfter: T0 + 30 * 60_000 } }))).toMatchObject({ ok: false, error: { code: 'impression_certificate_expired' } });
    expect(await judgeImpression(honest, recordsOf(grant, { certificate: { ...certificate, revokedAt: T0 + HOUR } }))).toMatchObject({ ok: false, error: { code: 'impression_certificate_revoked' } });
    expect(await judgeImpression(honest, recordsOf(grant, { certificate: { ...certificate, revokedAt: T0 + HOUR + 1 } }))).toMatchObject({ ok: true });
  });

  it('refuses forged fields: another code, grant, holder or seal than the grant\'s', async () => {
    const grant = await grantOf();
    const honest = await impressionOf(grant, 'impression-forged-001');
    expect(await judgeImpression({ ...honest, verificationCode: await verificationCodeOf('other-impression-01') }, recordsOf(grant))).toMatchObject({ ok: false, error: { code: 'impression_code_mismatch' } });
    expect(await judgeImpression({ ...honest, grantId: 'x'.repeat(64) as Impression['grantId'] }, recordsOf(grant))).toMatchObject({ ok: false, error: { code: 'impression_grant_mismatch' } });
    expect(await judgeImpression({ ...honest, holderId: approverB1.id }, recordsOf(grant))).toMatchObject({ ok: false, error: { code: 'impression_grant_mismatch' } });
    expect(await judgeImpression({ ...honest, sealId: contractSeal.id }, recordsOf(grant))).toMatchObject({ ok: false, error: { code: 'impression_grant_mismatch' } });
    expect(await judgeImpression(honest, recordsOf({ ...grant, decisions: grant.decisions.slice(0, 1) }))).toMatchObject({ ok: false, error: { code: 'grant_id_mismatch' } });
  });
});

describe('deriveRequestStatus counts impressions as uses', () => {
  it('completes a request with its approved impressions, and flags the one beyond and the one on another PDF', async () => {
    const grant = await grantOf();
    const decisions = grant.decisions;
    const facts = { request, seal: eSeal, route: approvalRouteFor('contract'), users: USERS, units: UNITS, decisions, cancellations: [], grants: [], deviceEvents: [], sealChanges: [], electronicGrants: [grant] };
    const a = await impressionOf(grant, 'impression-a-00000002', { claimedAt: T0 + HOUR });
    const b = await impressionOf(grant, 'impression-b-00000002', { claimedAt: T0 + 2 * HOUR });
    const one = deriveRequestStatus({ ...facts, impressions: [a] }, T0 + 3 * HOUR);
    expect(one).toMatchObject({ status: 'in_use', usesConsumed: 1, usesRemaining: 1, grantIds: [grant.id] });
    expect(deriveRequestStatus({ ...facts, impressions: [b, a, a] }, T0 + 3 * HOUR)).toMatchObject({ status: 'completed', usesConsumed: 2, usesAuthorised: 2 });
    const c = await impressionOf(grant, 'impression-c-00000002', { claimedAt: T0 + 90 * 60_000, sourceSha256: 'cd'.repeat(32) });
    const view = deriveRequestStatus({ ...facts, impressions: [a, b, c] }, T0 + 3 * HOUR);
    expect(view.impressions.map((i) => [i.impressionId, i.ordinal, i.anomalies])).toEqual([
      [a.id, 1, []],
      [c.id, 2, ['impression_wrong_document']],
      [b.id, 3, ['stamp_beyond_approved_uses']],
    ]);
    expect(view.status).toBe('in_use');
    expect(deriveRequestStatus({ ...facts, electronicGrants: [], impressions: [a] }, T0 + 3 * HOUR).impressions[0]!.anomalies).toEqual(['stamp_without_grant']);
  });
});
