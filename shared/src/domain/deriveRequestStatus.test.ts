import { describe, expect, it } from 'vitest';
import { approvalRouteFor } from './approvalRoute';
import { deriveRequestStatus, type RequestFacts } from './deriveRequestStatus';
import {
  admin,
  approverB1,
  approverHQ,
  cancel,
  contractSeal,
  custodian,
  decide,
  DEVICE,
  grantFor,
  HOUR,
  person,
  request,
  sealChange,
  staff,
  stampEvent,
  T0,
  UNITS,
  USERS,
} from './fixtures.testing';
import { asId, deviceIdSchema, grantIdSchema } from './ids';
import type { RequestAnomalyKind } from './requestStatus';

const approval = decide(request, approverB1, 'approve');
const grant = grantFor(request, [approval]);
const NOW = T0 + 2 * HOUR;

const facts = (over: Partial<RequestFacts> = {}): RequestFacts => ({
  request,
  seal: contractSeal,
  route: approvalRouteFor('contract'),
  users: USERS,
  units: UNITS,
  decisions: [approval],
  cancellations: [],
  grants: [grant],
  deviceEvents: [],
  sealChanges: [sealChange(null, 'active', 1_000)],
  ...over,
});
const kinds = (view: ReturnType<typeof deriveRequestStatus>) => view.anomalies.map((a) => `${a.ref} ${a.kind}`);
const stampKinds = (view: ReturnType<typeof deriveRequestStatus>): RequestAnomalyKind[][] => view.stamps.map((s) => [...s.anomalies]);

describe('deriveRequestStatus: the plain path', () => {
  it('is pending without decisions, approved with one, in use after a stamp, completed after all', () => {
    expect(deriveRequestStatus(facts({ decisions: [], grants: [] }), NOW).status).toBe('pending');
    expect(deriveRequestStatus(facts(), NOW)).toMatchObject({ status: 'approved', usesApproved: 2, usesRemaining: 2, grantIds: ['g-1'], anomalies: [] });
    const one = deriveRequestStatus(facts({ deviceEvents: [stampEvent(1, T0 + HOUR)] }), NOW);
    expect(one).toMatchObject({ status: 'in_use', usesConsumed: 1, usesAuthorised: 1, usesRemaining: 1, anomalies: [] });
    const two = deriveRequestStatus(facts({ deviceEvents: [stampEvent(1, T0 + HOUR), stampEvent(2, T0 + HOUR + 1)] }), NOW);
    expect(two).toMatchObject({ status: 'completed', usesAuthorised: 2, usesRemaining: 0, anomalies: [] });
  });

  it('is rejected on a rejection', () => {
    expect(deriveRequestStatus(facts({ decisions: [decide(request, approverB1, 'reject')], grants: [] }), NOW).status).toBe('rejected');
  });

  it('expires when the window closes unused or half used', () => {
    const after = T0 + 25 * HOUR;
    expect(deriveRequestStatus(facts(), after).status).toBe('expired');
    expect(deriveRequestStatus(facts({ decisions: [], grants: [] }), after).status).toBe('expired');
    expect(deriveRequestStatus(facts({ deviceEvents: [stampEvent(1, T0 + HOUR)] }), after).status).toBe('expired');
    expect(deriveRequestStatus(facts(), T0 + 24 * HOUR).status).toBe('approved'); // notAfter itself is inside
  });

  it('ignores facts about other requests, seals and devices’ other events', () => {
    const other = { ...request, id: 'req-9' as typeof request.id };
    const view = deriveRequestStatus(
      facts({
        decisions: [approval, decide(other, approverHQ, 'reject')],
        cancellations: [cancel(other, staff, T0)],
        deviceEvents: [stampEvent(5, T0, { requestId: other.id, grantId: null }), { ...stampEvent(6, T0), type: 'low_battery', payload: { percent: 5 } }],
      }),
      NOW,
    );
    expect(view).toMatchObject({ status: 'approved', stamps: [], anomalies: [] });
  });
});

describe('deriveRequestStatus: precedence for concurrent facts', () => {
  it('approved offline while cancelled offline: cancelled, whichever clock was earlier', () => {
    for (const cancelAt of [approval.at - 1, approval.at + 1]) {
      expect(deriveRequestStatus(facts({ cancellations: [cancel(request, staff, cancelAt)] }), NOW).status).toBe('cancelled');
    }
  });

  it('a stamp before the cancellation stands; stamps at or after it are anomalies, and all are listed', () => {
    const view = deriveRequestStatus(
      facts({ cancellations: [cancel(request, staff, T0 + HOUR)], deviceEvents: [stampEvent(1, T0 + 10), stampEvent(2, T0 + HOUR), stampEvent(3, T0 + 2 * HOUR)] }),
      NOW,
    );
    expect(view.status).toBe('cancelled');
    expect(view.stamps.map((s) => s.eventId)).toEqual(['dev-1:1', 'dev-1:2', 'dev-1:3']);
    expect(stampKinds(view)).toEqual([[], ['stamp_after_cancellation'], ['stamp_after_cancellation', 'stamp_beyond_approved_uses']]);
    expect(view.cancellation).toEqual({ id: `req-1:cancel:staff:${T0 + HOUR}`, actorId: 'staff', at: T0 + HOUR });
  });

  it('a cancellation after every use was made properly changes nothing: completed', () => {
    const view = deriveRequestStatus(facts({ cancellations: [cancel(request, staff, T0 + 3 * HOUR)], deviceEvents: [stampEvent(1, T0 + 10), stampEvent(2, T0 + 20)] }), T0 + 4 * HOUR);
    expect(view).toMatchObject({ status: 'completed', anomalies: [] });
  });

  it('the earliest valid cancellation counts; one by someone who may not cancel is ignored', () => {
    const stranger = person('stranger', 'staff@S1');
    const users = [...USERS, stranger];
    const byStranger = deriveRequestStatus(facts({ users, cancellations: [cancel(request, stranger, T0)] }), NOW);
    expect(byStranger.status).toBe('approved');
    expect(kinds(byStranger)).toEqual([`req-1:cancel:stranger:${T0} ignored_cancellation`]);
    const both = deriveRequestStatus(facts({ cancellations: [cancel(request, admin, T0 + 5), cancel(request, staff, T0 + 9)] }), NOW);
    expect(both.cancellation?.actorId).toBe('admin');
  });

  it('revoked seal while a grant is in use: halted; later stamps are anomalies; still halted after the window', () => {
    const changes = [sealChange(null, 'active', 1_000), sealChange('active', 'revoked', T0 + 2 * HOUR)];
    const deviceEvents = [stampEvent(1, T0 + HOUR), stampEvent(2, T0 + 3 * HOUR)];
    const view = deriveRequestStatus(facts({ sealChanges: changes, deviceEvents }), T0 + 4 * HOUR);
    expect(view).toMatchObject({ status: 'halted', sealStatus: 'revoked', usesConsumed: 2, usesAuthorised: 1 });
    expect(stampKinds(view)).toEqual([[], ['stamp_while_seal_inactive']]);
    expect(deriveRequestStatus(facts({ sealChanges: changes, deviceEvents }), T0 + 48 * HOUR).status).toBe('halted');
  });

  it('a seal revoked after the request expired leaves it expired; one revoked after completion leaves it completed', () => {
    const late = [sealChange(null, 'active', 1_000), sealChange('active', 'revoked', T0 + 30 * HOUR)];
    expect(deriveRequestStatus(facts({ sealChanges: late }), T0 + 48 * HOUR).status).toBe('expired');
    const done = [stampEvent(1, T0 + 1), stampEvent(2, T0 + 2)];
    expect(deriveRequestStatus(facts({ sealChanges: late, deviceEvents: done }), T0 + 48 * HOUR).status).toBe('completed');
  });

  it('a suspension halts the request; resuming the seal resumes it', () => {
    const suspended = [sealChange(null, 'active', 1_000), sealChange('active', 'suspended', T0 + HOUR, custodian, 'custodian')];
    expect(deriveRequestStatus(facts({ sealChanges: suspended }), NOW).status).toBe('halted');
    const resumed = [...suspended, sealChange('suspended', 'active', T0 + 90 * 60_000, custodian, 'custodian')];
    expect(deriveRequestStatus(facts({ sealChanges: resumed }), NOW).status).toBe('approved');
  });

  it('stamps beyond approved uses: completed, and each extra stamp is an anomaly', () => {
    const view = deriveRequestStatus(facts({ deviceEvents: [stampEvent(3, T0 + 3), stampEvent(1, T0 + 1), stampEvent(2, T0 + 2)] }), NOW);
    expect(view).toMatchObject({ status: 'completed', usesConsumed: 3, usesAuthorised: 2, usesRemaining: 0 });
    expect(kinds(view)).toEqual(['dev-1:3 stamp_beyond_approved_uses']);
  });

  it('reject and approve from different approvers: the rejection vetoes, and stamps already made show as unapproved', () => {
    const view = deriveRequestStatus(facts({ decisions: [approval, decide(request, approverHQ, 'reject', T0 + 5 * HOUR)], deviceEvents: [stampEvent(1, T0 + HOUR)] }), NOW);
    expect(view.status).toBe('rejected');
    expect(view.stamps).toHaveLength(1);
    expect(stampKinds(view)).toEqual([['stamp_without_approval']]);
  });

  it('the same approver deciding twice: counted once, and as a rejection if either rejects', () => {
    const twice = deriveRequestStatus(facts({ decisions: [approval, decide(request, approverB1, 'approve', T0 - 1)] }), NOW);
    expect(twice).toMatchObject({ status: 'approved', anomalies: [] });
    expect(twice.approvals.countedDecisionIds).toEqual([approval.id]); // the smaller id, not the earlier clock
    const changedMind = deriveRequestStatus(facts({ decisions: [approval, decide(request, approverB1, 'reject', T0 + HOUR)] }), NOW);
    expect(changedMind.status).toBe('rejected');
    expect(kinds(changedMind)).toEqual([`d-approver-b1-reject-${T0 + HOUR} conflicting_decisions`]);
  });
});

describe('deriveRequestStatus: stamp anomalies', () => {
  it('outside the window', () => {
    const view = deriveRequestStatus(facts({ deviceEvents: [stampEvent(1, T0 - 1)] }), NOW);
    expect(stampKinds(view)).toEqual([['stamp_outside_window']]);
    expect(view.status).toBe('in_use');
  });

  it('without a grant: none named, an unknown one, or one for another device', () => {
    const otherDevice = asId(deviceIdSchema, 'dev-2');
    const view = deriveRequestStatus(
      facts({
        deviceEvents: [
          stampEvent(1, T0 + 1, { grantId: null }),
          stampEvent(2, T0 + 2, { grantId: asId(grantIdSchema, 'g-unknown') }),
          stampEvent(1, T0 + 3, { device: otherDevice }),
        ],
      }),
      NOW,
    );
    expect(stampKinds(view)).toEqual([['stamp_without_grant'], ['stamp_without_grant'], ['stamp_without_grant', 'stamp_beyond_approved_uses']]);
  });

  it('tied to the request through its grant even when the request id is missing', () => {
    const view = deriveRequestStatus(facts({ deviceEvents: [stampEvent(1, T0 + 1, { requestId: null })] }), NOW);
    expect(view.stamps).toHaveLength(1);
    expect(view.stamps[0]?.authorised).toBe(true);
  });

  it('outside the geofence (the whole accuracy circle must be inside)', () => {
    const inside = stampEvent(1, T0 + 1, { position: { lat: 30.25, lon: 120.17, accuracyM: 20 } });
    const fuzzy = stampEvent(2, T0 + 2, { position: { lat: 30.25, lon: 120.17, accuracyM: 800 } });
    expect(stampKinds(deriveRequestStatus(facts({ deviceEvents: [inside, fuzzy] }), NOW))).toEqual([[], ['stamp_outside_geofence']]);
  });

  it('while the seal was lost, even when it was found again since', () => {
    const changes = [sealChange(null, 'active', 1_000), sealChange('active', 'lost', T0 + 10), sealChange('lost', 'active', T0 + 20)];
    const view = deriveRequestStatus(facts({ sealChanges: changes, deviceEvents: [stampEvent(1, T0 + 15), stampEvent(2, T0 + 25)] }), NOW);
    expect(stampKinds(view)).toEqual([['stamp_while_seal_inactive'], []]);
    expect(view.status).toBe('in_use');
  });

  it('on a pending request, with no grant', () => {
    const view = deriveRequestStatus(facts({ decisions: [], grants: [], deviceEvents: [stampEvent(1, T0 + 1)] }), NOW);
    expect(view.status).toBe('pending');
    expect(stampKinds(view)).toEqual([['stamp_without_approval', 'stamp_without_grant']]);
  });
});

describe('deriveRequestStatus: broken facts', () => {
  it('a grant that departs from the request’s terms authorises nothing', () => {
    const greedy = { ...grant, id: asId(grantIdSchema, 'g-greedy'), uses: 99 };
    const view = deriveRequestStatus(facts({ grants: [greedy], deviceEvents: [stampEvent(1, T0 + 1, { grantId: greedy.id })] }), NOW);
    expect(kinds(view)).toEqual(['dev-1:1 stamp_without_grant', 'g-greedy grant_mismatch']);
  });

  it('two bodies under one id: a fact_conflict, and the same body kept whatever the order', () => {
    const forged = { ...approval, comment: 'edited later' };
    const a = deriveRequestStatus(facts({ decisions: [approval, forged] }), NOW);
    const b = deriveRequestStatus(facts({ decisions: [forged, approval] }), NOW);
    expect(a).toEqual(b);
    expect(kinds(a)).toEqual([`${approval.id} fact_conflict`]);
    const fork = { ...stampEvent(1, T0 + 1), prevHash: 'ff'.repeat(32) };
    expect(kinds(deriveRequestStatus(facts({ deviceEvents: [stampEvent(1, T0 + 1), fork] }), NOW))).toEqual(['dev-1:1 fact_conflict']);
  });

  it('a stale decision (the request changed since) does not count and is reported', () => {
    const stale = decide(request, approverB1, 'approve', T0 - 5, { ...request, usesRequested: 1 });
    const view = deriveRequestStatus(facts({ decisions: [stale], grants: [] }), NOW);
    expect(view.status).toBe('pending');
    expect(kinds(view)).toEqual([`${stale.id} ignored_decision`]);
  });

  it('uses the seal record’s status when no lifecycle change is at hand', () => {
    expect(deriveRequestStatus(facts({ sealChanges: [], seal: { ...contractSeal, status: 'suspended' } }), NOW).status).toBe('halted');
    expect(deriveRequestStatus(facts({ sealChanges: [] }), NOW).status).toBe('approved');
    expect(DEVICE).toBe('dev-1');
  });
});
