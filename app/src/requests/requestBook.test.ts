import { describe, expect, it } from 'vitest';
import { contentId, grantBody, sealStatusChangeId, type DeviceEvent, type Grant, type SealRecord, type SealStatusChange, type UseRequest } from '@seal/shared';
import {
  admin, approverB1, approverHQ, cancel, contractSeal, decide, HOUR, request, staff, stampEvent, T0, UNITS, USERS,
} from '@seal/shared/testing';
import { grantCandidates } from './grantIssuer';
import { awaitingDecision, decidedBy, requestEntries, type RequestBookInput } from './requestBook';
import { statusChangeRowId } from './sealStatusOf';

const { status: _status, ...sealRecord } = contractSeal;
const SEAL: SealRecord = sealRecord;
const created: SealStatusChange = {
  id: sealStatusChangeId(contractSeal.id, null, 'active', admin.id, 1_000), sealId: contractSeal.id, from: null, to: 'active', actorId: admin.id, actorRole: 'admin', reason: 'new seal', at: 1_000,
};
const NOW = T0 + HOUR;
const later: UseRequest = { ...request, id: 'req-2' as UseRequest['id'], createdAt: request.createdAt + 10 };

const book = (patch: Partial<RequestBookInput> = {}): RequestBookInput => ({
  requests: [request, later], seals: [SEAL], sealChanges: [created], refusedRowIds: new Set(), decisions: [], cancellations: [], grants: [], electronicGrants: [], impressions: [], stamps: [], users: USERS, units: UNITS, ...patch,
});

async function withId(body: Omit<Grant, 'id'>): Promise<Grant> {
  return { ...body, id: await contentId(body) } as Grant;
}

describe('requestEntries', () => {
  it('derives each request status from the held facts, newest first', () => {
    const entries = requestEntries(book({ decisions: [decide(request, approverB1, 'approve')], cancellations: [cancel(later, staff, T0)] }), NOW);
    expect(entries.map((e) => [e.request.id, e.view?.status])).toEqual([['req-2', 'cancelled'], ['req-1', 'approved']]);
    expect(entries[1]!.seal?.status).toBe('active');
  });

  it('says the seal is halted from its lifecycle facts', () => {
    const suspended: SealStatusChange = { ...created, id: sealStatusChangeId(contractSeal.id, 'active', 'suspended', admin.id, T0), from: 'active', to: 'suspended', at: T0 };
    expect(requestEntries(book({ sealChanges: [created, suspended] }), NOW)[0]!.view?.status).toBe('halted');
    expect(requestEntries(book({ sealChanges: [created, suspended], refusedRowIds: new Set([statusChangeRowId(suspended)]) }), NOW)[0]!.view?.status).toBe('pending');
  });

  it('does not halt the requests of a seal whose status is not known, and says it is not known', () => {
    const [entry] = requestEntries(book({ sealChanges: [], requests: [request] }), NOW);
    expect(entry).toMatchObject({ sealStatus: null, view: { status: 'pending', sealStatus: null } });
  });

  it('counts the stamps tied to the request by its id or by one of its grants', async () => {
    const decision = decide(request, approverB1, 'approve');
    const body = grantBody(request, contractSeal, [decision]);
    if (!body.ok) throw new Error(body.error.message);
    const grant = await withId(body.value);
    const byGrant = stampEvent(1, T0 + 60_000, { requestId: null, grantId: grant.id });
    const other = stampEvent(2, T0 + 120_000, { requestId: later.id, grantId: null });
    const entry = requestEntries(book({ decisions: [decision], grants: [grant], stamps: [byGrant, other] as DeviceEvent[] }), NOW).find((e) => e.request.id === request.id)!;
    expect(entry.view?.status).toBe('in_use');
    expect(entry.view?.usesConsumed).toBe(1);
  });

  it('leaves the view out while the seal is not held', () => {
    const [entry] = requestEntries(book({ seals: [], requests: [request] }), NOW);
    expect(entry).toMatchObject({ seal: undefined, view: undefined });
  });
});

describe('the approver inbox', () => {
  it('lists pending requests the approver may decide, not their own and not decided by them', () => {
    const own: UseRequest = { ...request, id: 'req-own' as UseRequest['id'], requesterId: approverB1.id };
    const entries = requestEntries(book({ requests: [request, later, own], decisions: [decide(later, approverB1, 'reject')] }), NOW);
    expect(awaitingDecision(entries, approverB1, UNITS).map((e) => e.request.id)).toEqual(['req-1']);
    expect(decidedBy(entries, approverB1.id).map((e) => [e.request.id, e.view?.status])).toEqual([['req-2', 'rejected']]);
  });

  it('asks again for an approval given to terms the request no longer has; a rejection stays given', () => {
    // Both decided the earlier version (two uses fewer); then the requester changed the request.
    const before: UseRequest = { ...request, usesRequested: request.usesRequested + 2 };
    const approved = requestEntries(book({ requests: [request], decisions: [decide(request, approverB1, 'approve', T0, before)] }), NOW);
    expect(awaitingDecision(approved, approverB1, UNITS).map((e) => [e.request.id, e.view?.status])).toEqual([['req-1', 'pending']]);
    expect(decidedBy(approved, approverB1.id)).toEqual([]);
    const entries = requestEntries(book({ requests: [request], decisions: [decide(request, approverB1, 'approve', T0, before), decide(request, approverHQ, 'reject', T0, before)] }), NOW);
    expect(awaitingDecision(entries, approverHQ, UNITS)).toEqual([]);
    expect(decidedBy(entries, approverHQ.id).map((e) => [e.request.id, e.view?.status])).toEqual([['req-1', 'rejected']]);
  });

  it('leaves out requests outside the approver scope', () => {
    const elsewhere = { ...approverB1, id: 'approver-b2' as typeof approverB1.id, grants: [{ role: 'approver' as const, unitId: 'B2' as typeof approverB1.unitId }] };
    expect(awaitingDecision(requestEntries(book(), NOW), elsewhere, UNITS)).toEqual([]);
  });
});

describe('who issues grants (from the store, grantIssuer)', () => {
  const ids = (entries: ReturnType<typeof requestEntries>, userId: string) => grantCandidates(entries, userId).map((e) => e.request.id);

  it('the requester and every approver who approved, for an approved request of a seal in a device', () => {
    const entries = requestEntries(book({ decisions: [decide(request, approverB1, 'approve')] }), NOW);
    expect(ids(entries, staff.id)).toEqual([request.id]);
    expect(ids(entries, approverB1.id)).toEqual([request.id]);
    // Someone else holding the request (an approver who did not decide it) does not.
    expect(ids(entries, approverHQ.id)).toEqual([]);
  });

  it('nobody, for a request pending, rejected, withdrawn, halted or past its window', () => {
    expect(ids(requestEntries(book(), NOW), staff.id)).toEqual([]);
    expect(ids(requestEntries(book({ decisions: [decide(request, approverB1, 'approve'), decide(request, approverHQ, 'reject')] }), NOW), staff.id)).toEqual([]);
    const decisions = [decide(request, approverB1, 'approve')];
    expect(ids(requestEntries(book({ decisions, cancellations: [cancel(request, staff, T0 - 1000)] }), NOW), staff.id)).toEqual([]);
    const suspended: SealStatusChange = { ...created, id: sealStatusChangeId(contractSeal.id, 'active', 'suspended', admin.id, T0), from: 'active', to: 'suspended', at: T0 };
    expect(ids(requestEntries(book({ decisions, sealChanges: [created, suspended] }), NOW), staff.id)).toEqual([]);
    expect(ids(requestEntries(book({ decisions }), request.window.notAfter + 1), staff.id)).toEqual([]);
  });

  it('nobody, for a seal that is in no device', () => {
    const entries = requestEntries(book({ seals: [{ ...SEAL, deviceId: null }], decisions: [decide(request, approverB1, 'approve')] }), NOW);
    expect(ids(entries, staff.id)).toEqual([]);
  });
});
