import { describe, expect, it } from 'vitest';
import { routeSteps } from './approvalRoute';
import { routeFloorFor, routeFloorProblem, routeFor, routeInForce, routeOutOfHands, routeOwnerFor, routesLeftBehind, type ConfiguredRoute, type OwnedRoute } from './routeFor';
import { unit } from './fixtures.testing';
import type { RouteId } from './ids';

const chainS1 = [unit('S1'), unit('B1'), unit('HQ')];
const chainS2 = [unit('S2'), unit('B2'), unit('HQ')];
const configured = (id: string, unitId: string, purpose: ConfiguredRoute['purpose'], counts: number[], sealKind: ConfiguredRoute['sealKind'] = 'contract'): ConfiguredRoute => ({
  id: id as RouteId, sealKind, unitId: unit(unitId), purpose, steps: counts.map((count) => ({ count })), updatedAt: 0,
});

describe('routeFor: defaults', () => {
  it('for use equal the routes before steps: two approvers for 公章, 法人章 and 财务章 in one parallel step, one for the others', () => {
    const counts = (kind: ConfiguredRoute['sealKind']) => routeSteps(routeFor(kind, chainS1, 'use')!).map((s) => s.count);
    expect([counts('official'), counts('legal_rep'), counts('finance'), counts('contract'), counts('invoice'), counts('personal')]).toEqual([[2], [2], [2], [1], [1], [1]]);
  });

  it('for a lifecycle move of 公章, 法人章 or 财务章 ask two approvers; moves of other kinds, and making or editing any seal, need no review until an admin sets a route', () => {
    for (const purpose of ['suspend', 'resume', 'report_lost', 'confiscate', 'revoke', 'destroy'] as const) {
      expect(routeFor('official', chainS1, purpose)?.minApprovals).toBe(2);
      expect(routeFor('finance', chainS1, purpose)?.minApprovals).toBe(2);
      expect(routeFor('contract', chainS1, purpose)).toBeNull();
    }
    expect(routeFor('official', chainS1, 'create')).toBeNull();
    expect(routeFor('official', chainS1, 'rename')).toBeNull();
  });
});

describe('routeFor: configured routes', () => {
  const hqContract = configured('r-hq', 'HQ', 'suspend', [1, 1]);
  const s1Contract = configured('r-s1', 'S1', 'suspend', [2]);

  it('apply to the seals of the unit subtree they are set on', () => {
    expect(routeSteps(routeFor('contract', chainS2, 'suspend', [hqContract])!)).toEqual([{ count: 1 }, { count: 1 }]);
  });

  it('a unit nearer the seal overrides its ancestors (per-unit override); elsewhere the ancestor’s holds', () => {
    expect(routeSteps(routeFor('contract', chainS1, 'suspend', [hqContract, s1Contract])!)).toEqual([{ count: 2 }]);
    expect(routeSteps(routeFor('contract', chainS2, 'suspend', [hqContract, s1Contract])!)).toEqual([{ count: 1 }, { count: 1 }]);
  });

  it('apply only to their own kind and purpose, and not outside their subtree', () => {
    expect(routeFor('official', chainS1, 'suspend', [s1Contract])?.minApprovals).toBe(2);
    expect(routeFor('contract', chainS1, 'revoke', [s1Contract])).toBeNull();
    expect(routeFor('contract', chainS2, 'suspend', [s1Contract])).toBeNull();
    expect(routeFor('contract', chainS1, 'use', [configured('u', 'B1', 'use', [1, 1])])?.minApprovals).toBe(2);
  });
});

describe('the floor a unit\'s own route may not go below', () => {
  it('is what holds at the first unit of the chain its setter may not manage: its own route, the nearest above, or the default', () => {
    const branchAdmin = (u: string) => u === 'S1' || u === 'B1';
    expect(routeFloorFor('official', chainS1, 'suspend', [], branchAdmin)).toEqual({ route: { sealKind: 'official', minApprovals: 2 }, from: unit('HQ') });
    expect(routeFloorFor('contract', chainS1, 'suspend', [], branchAdmin)).toEqual({ route: null, from: unit('HQ') });
    const routes = [configured('hq', 'HQ', 'suspend', [3], 'official'), configured('b1', 'B1', 'suspend', [4], 'official'), configured('s1', 'S1', 'suspend', [1], 'official')];
    // The branch's own route on B1 is not the floor for its site: HQ's is.
    expect(routeFloorFor('official', chainS1, 'suspend', routes, branchAdmin)).toMatchObject({ route: { minApprovals: 3 }, from: unit('HQ') });
    // A site administrator's floor is what holds at the branch (its route).
    expect(routeFloorFor('official', chainS1, 'suspend', routes, (u) => u === 'S1')).toMatchObject({ route: { minApprovals: 4 }, from: unit('B1') });
    // HQ's administrators manage the whole chain: no floor.
    expect(routeFloorFor('official', chainS1, 'suspend', routes, () => true)).toBeUndefined();
  });

  it('counts routes set on the setter\'s own units by an administrator above them, and never their own', () => {
    const branchAdmin = (u: string) => u === 'S1' || u === 'B1';
    const hqOnBranch = configured('hq-b1', 'B1', 'suspend', [4], 'official');
    const branchOwn = configured('b1-own', 'B1', 'suspend', [2], 'official');
    const owners: Record<string, string> = { 'hq-b1': 'HQ', 'b1-own': 'B1' };
    const ownerOf = (r: ConfiguredRoute) => unit(owners[r.id] ?? r.unitId);
    // HQ's route on the branch bounds the branch administrator on the branch and on its site; HQ answers for it.
    expect(routeFloorFor('official', chainS1, 'suspend', [hqOnBranch, branchOwn], branchAdmin, ownerOf)).toMatchObject({ route: { minApprovals: 4 }, from: unit('HQ') });
    expect(routeFloorFor('official', [unit('B1'), unit('HQ')], 'suspend', [branchOwn, hqOnBranch], branchAdmin, ownerOf)).toMatchObject({ route: { minApprovals: 4 }, from: unit('HQ') });
    // Without owners (routes set before they were recorded) a route on a managed unit is the setter's own.
    expect(routeFloorFor('official', chainS1, 'suspend', [hqOnBranch], branchAdmin)).toMatchObject({ route: { minApprovals: 2 }, from: unit('HQ') });
    // Another kind or purpose, or a unit off the chain, bounds nothing.
    const elsewhere = [configured('x', 'B1', 'revoke', [5], 'official'), configured('y', 'B1', 'suspend', [5], 'contract'), configured('z', 'B2', 'suspend', [5], 'official')];
    expect(routeFloorFor('official', chainS1, 'suspend', elsewhere, branchAdmin, () => unit('HQ'))).toMatchObject({ route: { minApprovals: 2 }, from: unit('HQ') });
  });

  it('records who answers for a route as the setter\'s reach over its unit, and keeps other reaches\' routes out of their hands', () => {
    expect(routeOwnerFor(chainS1, (u) => u === 'S1' || u === 'B1')).toBe('B1');
    expect(routeOwnerFor(chainS1, (u) => u === 'S1')).toBe('S1');
    expect(routeOwnerFor(chainS1, () => true)).toBe('HQ');
    const onBranch = configured('r', 'B1', 'suspend', [2], 'official');
    expect(routeOutOfHands(onBranch, unit('HQ'), (u) => u === 'S1' || u === 'B1')).toBe(true);
    expect(routeOutOfHands(onBranch, unit('B1'), (u) => u === 'S1' || u === 'B1')).toBe(false);
    expect(routeOutOfHands(onBranch, unit('B1'), (u) => u === 'S1')).toBe(true);
    expect(routeOutOfHands(onBranch, unit('HQ'), () => true)).toBe(false);
  });

  it('is met by as many approvals or more, and by keeping the approvals a step asks on a named unit', () => {
    expect(routeFloorProblem([{ count: 1 }], { sealKind: 'official', minApprovals: 2 })).toMatch(/1 approval.*asks 2/);
    expect(routeFloorProblem([{ count: 2 }], { sealKind: 'official', minApprovals: 2 })).toBeUndefined();
    expect(routeFloorProblem([{ count: 1 }], null)).toBeUndefined();
    const hqStep = { sealKind: 'official' as const, minApprovals: 2, steps: [{ count: 1 }, { count: 1, approverUnitId: unit('HQ') }] };
    expect(routeFloorProblem([{ count: 5 }], hqStep)).toMatch(/on unit "HQ"/);
    expect(routeFloorProblem([{ count: 1, approverUnitId: unit('HQ') }, { count: 1, approverUnitId: unit('B1') }], hqStep)).toBeUndefined();
  });
});

describe('the route in force', () => {
  // HQ > B1 > S1 (and B1 > A1 > S2 for moves).
  const parents: Record<string, string | null> = { HQ: null, B1: 'HQ', S1: 'B1', A1: 'B1', S2: 'A1' };
  const chainOf = (u: string): ReturnType<typeof unit>[] => {
    const chain: ReturnType<typeof unit>[] = [];
    for (let at: string | null = u; at !== null; at = parents[at] ?? null) chain.push(unit(at));
    return chain;
  };
  const owned = (id: string, unitId: string, counts: number[], owner: string | null): OwnedRoute => ({ route: configured(id, unitId, 'suspend', counts, 'official'), ownerUnitId: owner === null ? null : unit(owner) });

  it('is the nearest route, held to the routes and the default out of its owner\'s hands', () => {
    // The branch's own looser route on the branch, set before HQ's there (its id sorts first): HQ's holds.
    expect(routeInForce('official', chainS1, 'suspend', [owned('0-b', 'B1', [3], 'B1'), owned('z-hq', 'B1', [4], 'HQ')], chainOf)?.minApprovals).toBe(4);
    // A route HQ set before owners were recorded is HQ's.
    expect(routeInForce('official', chainS1, 'suspend', [owned('s1', 'S1', [3], 'B1'), owned('legacy', 'HQ', [5], null)], chainOf)?.minApprovals).toBe(5);
    // The default bounds a branch's route; HQ's own route below itself may ask less.
    expect(routeInForce('official', chainS1, 'suspend', [owned('s1', 'S1', [1], 'B1')], chainOf)?.minApprovals).toBe(2);
    expect(routeInForce('official', chainS1, 'suspend', [owned('s1', 'S1', [1], 'HQ')], chainOf)?.minApprovals).toBe(1);
    // A stricter route of the branch stands; the branch's own routes never bound each other.
    expect(routeInForce('official', chainS1, 'suspend', [owned('s1', 'S1', [6], 'B1'), owned('hq', 'HQ', [4], 'HQ')], chainOf)?.minApprovals).toBe(6);
    expect(routeInForce('official', chainS1, 'suspend', [owned('s1', 'S1', [3], 'B1'), owned('b1', 'B1', [5], 'B1')], chainOf)?.minApprovals).toBe(3);
    // None on the chain: the default.
    expect(routeInForce('contract', chainS1, 'suspend', [], chainOf)).toBeNull();
    expect(routeInForce('official', chainS1, 'suspend', [], chainOf)?.minApprovals).toBe(2);
  });

  it('is not left behind by a move of a branch administrator', () => {
    const onArea = [owned('hq-a1', 'A1', [4], 'HQ'), owned('b-a1', 'A1', [3], 'B1')];
    const branchAdmin = (u: string) => u !== 'HQ';
    const before = chainOf('S2');
    const after = [unit('S2'), unit('B1'), unit('HQ')];
    expect(routesLeftBehind(before, after, onArea, branchAdmin, (o) => o.ownerUnitId ?? unit('HQ')).map((o) => o.route.id)).toEqual(['hq-a1']);
    expect(routesLeftBehind(before, after, onArea, () => true, (o) => o.ownerUnitId ?? unit('HQ'))).toEqual([]);
    expect(routesLeftBehind(before, before, onArea, branchAdmin, (o) => o.ownerUnitId ?? unit('HQ'))).toEqual([]);
  });
});
