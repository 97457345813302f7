import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { approvalRouteFor } from './approvalRoute';
import { deriveRequestStatus, type RequestFacts } from './deriveRequestStatus';
import { deviceEventId } from './deviceEvent';
import {
  admin,
  approverB1,
  approverB2,
  approverHQ,
  cancel,
  contractSeal,
  custodian,
  custodianApprover,
  decide,
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

const stranger = person('stranger', 'staff@S1');
const users = [...USERS, stranger];
const approval = decide(request, approverB1, 'approve');
const grant = grantFor(request, [approval]);
const greedy = { ...grant, id: asId(grantIdSchema, 'g-greedy'), uses: 50 };

const DECISIONS = [
  approval,
  { ...approval, comment: 'a second body under the same id' },
  decide(request, approverHQ, 'approve', T0 - 2 * HOUR),
  decide(request, approverHQ, 'reject', T0 + HOUR),
  decide(request, approverB1, 'reject', T0 + 3 * HOUR),
  decide(request, custodianApprover, 'approve', T0 - HOUR),
  decide(request, approverB2, 'approve', T0 - HOUR),
  decide(request, approverB1, 'approve', T0 - 5, { ...request, usesRequested: 1 }),
];
const CANCELLATIONS = [cancel(request, staff, T0 + HOUR), cancel(request, admin, T0 + 3 * HOUR), cancel(request, stranger, T0)];
const GRANTS = [grant, greedy];
const SEAL_CHANGES = [
  sealChange(null, 'active', 1_000),
  sealChange('active', 'suspended', T0 + 2 * HOUR, custodian, 'custodian'),
  sealChange('suspended', 'active', T0 + 4 * HOUR, custodian, 'custodian'),
  sealChange('active', 'lost', T0 + 6 * HOUR),
  sealChange('lost', 'active', T0 + 7 * HOUR),
  sealChange('active', 'revoked', T0 + 10 * HOUR),
];

const stampArb = fc
  .record({
    seq: fc.integer({ min: 1, max: 6 }),
    offset: fc.integer({ min: -2 * HOUR, max: 26 * HOUR }),
    // Weighted towards proper stamps, so that every status is reached.
    grant: fc.constantFrom('g-1', 'g-1', 'g-1', 'g-greedy', null),
    device: fc.constantFrom('dev-1', 'dev-1', 'dev-1', 'dev-2'),
    far: fc.constantFrom(false, false, false, true),
  })
  .map(({ seq, offset, grant: g, device, far }) =>
    stampEvent(seq, T0 + offset, {
      grantId: g === null ? null : asId(grantIdSchema, g),
      device: asId(deviceIdSchema, device),
      position: far ? { lat: 31, lon: 121, accuracyM: 5 } : { lat: 30.25, lon: 120.17, accuracyM: 5 },
    }),
  );

const factsArb = fc.record({
  decisions: fc.subarray(DECISIONS),
  cancellations: fc.subarray(CANCELLATIONS),
  grants: fc.subarray(GRANTS),
  sealChanges: fc.subarray(SEAL_CHANGES),
  deviceEvents: fc.array(stampArb, { maxLength: 8 }),
  uses: fc.integer({ min: 1, max: 4 }),
  now: fc.integer({ min: T0 - HOUR, max: T0 + 30 * HOUR }),
});

/** The same list in another order, with some items delivered more than once. */
const reshuffled = <T>(items: readonly T[]) =>
  fc.subarray([...items]).chain((copies) => fc.shuffledSubarray([...items, ...copies], { minLength: items.length + copies.length }));

type Sample = typeof factsArb extends fc.Arbitrary<infer V> ? V : never;

const build = (f: Sample): RequestFacts => {
  // Changing the uses changes the terms; re-sign the decisions and grants over them so they count.
  const req = { ...request, usesRequested: f.uses };
  const resign = <D extends (typeof DECISIONS)[number]>(d: D): D => (d.payload.uses === request.usesRequested ? { ...d, payload: { ...d.payload, uses: f.uses } } : d);
  const decisions = f.decisions.map(resign);
  return {
    request: req,
    seal: contractSeal,
    route: approvalRouteFor('contract'),
    users,
    units: UNITS,
    decisions,
    cancellations: f.cancellations,
    grants: f.grants.map((g) => ({ ...g, uses: g.id === 'g-1' ? f.uses : g.uses, decisions: g.decisions.map(resign) })),
    deviceEvents: f.deviceEvents,
    sealChanges: f.sealChanges,
  };
};

describe('deriveRequestStatus (properties)', () => {
  it('gives the same view for any permutation and duplication of the same facts', () => {
    fc.assert(
      fc.property(
        factsArb.chain((f) => {
          const facts = build(f);
          return fc.record({
            facts: fc.constant(facts),
            now: fc.constant(f.now),
            decisions: reshuffled(facts.decisions),
            cancellations: reshuffled(facts.cancellations),
            grants: reshuffled(facts.grants),
            sealChanges: reshuffled(facts.sealChanges),
            deviceEvents: reshuffled(facts.deviceEvents),
          });
        }),
        ({ facts, now, ...lists }) => {
          expect(deriveRequestStatus({ ...facts, ...lists }, now)).toEqual(deriveRequestStatus(facts, now));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reaches every status (the generator is not trivial)', () => {
    const seen = new Set(fc.sample(factsArb, { numRuns: 2000, seed: 42 }).map((f) => deriveRequestStatus(build(f), f.now).status));
    expect([...seen].sort()).toEqual(['approved', 'cancelled', 'completed', 'expired', 'halted', 'in_use', 'pending', 'rejected']);
  });

  it('always flags more stamps than approved uses, and never loses a stamp', () => {
    fc.assert(
      fc.property(factsArb, (f) => {
        const facts = build(f);
        const view = deriveRequestStatus(facts, f.now);
        const distinct = new Set(facts.deviceEvents.map(deviceEventId));
        expect(view.stamps.map((s) => s.eventId).sort()).toEqual([...distinct].sort());
        const beyond = view.stamps.filter((s) => s.anomalies.includes('stamp_beyond_approved_uses'));
        expect(beyond).toHaveLength(Math.max(0, distinct.size - f.uses));
        expect(view.usesAuthorised).toBeLessThanOrEqual(f.uses);
        if (distinct.size > f.uses) expect(view.anomalies.some((a) => a.kind === 'stamp_beyond_approved_uses')).toBe(true);
        if (view.status === 'completed') expect(view.approvals.outcome).toBe('approved');
        for (const stamp of view.stamps) expect(stamp.authorised).toBe(stamp.anomalies.length === 0);
      }),
      { numRuns: 300 },
    );
  });
});
