import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from './role';
import { SEAL_STATUSES, type SealStatus } from './seal';
import { transitionSeal } from './transitionSeal';
import { createSeal } from './createSeal';
import { admin, contractSeal, custodianApprover, person, T0, UNITS } from './fixtures.testing';

/**
 * The legal moves, written out by hand from the decisions in sealTransitions.ts (NOT computed
 * from SEAL_TRANSITIONS), as `from>to:role`.
 */
const ALLOWED = new Set([
  'active>suspended:custodian', 'active>suspended:admin',
  'suspended>active:custodian', 'suspended>active:admin',
  'active>lost:custodian', 'active>lost:admin',
  'suspended>lost:custodian', 'suspended>lost:admin',
  'lost>active:admin',
  'active>confiscated:admin', 'suspended>confiscated:admin', 'lost>confiscated:admin',
  'active>revoked:custodian', 'active>revoked:admin',
  'suspended>revoked:custodian', 'suspended>revoked:admin',
  'lost>revoked:custodian', 'lost>revoked:admin',
  'confiscated>revoked:admin',
  'revoked>destroyed:custodian', 'revoked>destroyed:admin',
]);
const LEGAL_PAIRS = new Set([...ALLOWED].map((triple) => triple.split(':')[0]));

const sealIn = (status: SealStatus) => ({ ...contractSeal, status });
const expectedCode = (from: SealStatus, to: SealStatus, role: Role): string | null => {
  if (from === 'destroyed') return 'terminal_state';
  if (!LEGAL_PAIRS.has(`${from}>${to}`)) return 'illegal_transition';
  return ALLOWED.has(`${from}>${to}:${role}`) ? null : 'not_permitted';
};

describe('transitionSeal: the full state × state × role matrix', () => {
  const cases = SEAL_STATUSES.flatMap((from) => SEAL_STATUSES.flatMap((to) => ROLES.map((role) => [from, to, role] as const)));

  it.each(cases)('%s → %s by %s (role on HQ, in scope)', (from, to, role) => {
    const actor = person(`actor-${role}`, `${role}@HQ`);
    const result = transitionSeal(sealIn(from), to, actor, '年度审计', T0, UNITS);
    const code = expectedCode(from, to, role);
    if (code === null) {
      expect(result).toEqual({
        ok: true,
        value: { id: `seal-contract-b1:${from}:${to}:actor-${role}:${T0}`, sealId: contractSeal.id, from, to, actorId: actor.id, actorRole: role, reason: '年度审计', at: T0 },
      });
    } else {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe(code);
    }
  });

  it.each([...ALLOWED])('refuses %s out of scope (role on another branch)', (triple) => {
    const [move, role] = triple.split(':') as [string, Role];
    const [from, to] = move.split('>') as [SealStatus, SealStatus];
    const result = transitionSeal(sealIn(from), to, person('elsewhere', `${role}@B2`), 'reason', T0, UNITS);
    expect(result).toMatchObject({ ok: false, error: { code: 'not_permitted', message: expect.stringMatching(/on a unit containing "B1"/) as unknown } });
  });

  it('allows a role held on the seal unit itself, or a grant on a site below it not', () => {
    expect(transitionSeal(sealIn('active'), 'suspended', person('c', 'custodian@B1'), 'r', T0, UNITS).ok).toBe(true);
    expect(transitionSeal(sealIn('active'), 'suspended', person('c', 'custodian@S1'), 'r', T0, UNITS).ok).toBe(false);
  });
});

describe('transitionSeal: reasons, custodians, times', () => {
  it.each(['', '   ', '\n\t'])('requires a reason (%j)', (reason) => {
    const result = transitionSeal(sealIn('active'), 'suspended', admin, reason, T0, UNITS);
    expect(result).toMatchObject({ ok: false, error: { code: 'reason_required' } });
  });

  it('says which moves exist when one does not', () => {
    const result = transitionSeal(sealIn('revoked'), 'active', admin, 'r', T0, UNITS);
    expect(result).toMatchObject({ ok: false, error: { code: 'illegal_transition', message: 'expected a move from revoked to one of: destroyed; got revoked → active' } });
  });

  it('never lets the seal’s own custodian declare it found, even as admin', () => {
    const custodianAdmin = person(custodianApprover.id, 'custodian@B1', 'admin@HQ');
    const result = transitionSeal(sealIn('lost'), 'active', custodianAdmin, '找到了', T0, UNITS);
    expect(result).toMatchObject({ ok: false, error: { code: 'not_permitted', message: expect.stringMatching(/own custodian/) as unknown } });
    expect(transitionSeal(sealIn('lost'), 'active', admin, '找到了', T0, UNITS).ok).toBe(true);
  });

  it('refuses a deactivated actor and a bad time', () => {
    expect(transitionSeal(sealIn('active'), 'suspended', { ...admin, active: false }, 'r', T0, UNITS)).toMatchObject({ ok: false, error: { code: 'not_permitted' } });
    expect(transitionSeal(sealIn('active'), 'suspended', admin, 'r', 1.5, UNITS)).toMatchObject({ ok: false, error: { code: 'invalid_time' } });
  });
});

describe('createSeal', () => {
  const { status: _status, ...input } = contractSeal;

  it('creates an active seal and its creation change (new → active)', () => {
    const result = createSeal(input, person('c', 'custodian@B1'), '新刻制，公安备案', T0, UNITS);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.seal.status).toBe('active');
    expect(result.value.change).toMatchObject({ from: null, to: 'active', actorRole: 'custodian', id: `seal-contract-b1:new:active:c:${T0}` });
  });

  it('refuses a bad anti-counterfeit code, an actor out of scope, and no reason', () => {
    expect(createSeal({ ...input, antiCounterfeitCode: '12345' }, admin, 'r', T0, UNITS)).toMatchObject({ ok: false, error: { code: 'invalid_seal', message: expect.stringMatching(/antiCounterfeitCode: expected exactly 13 digits/) as unknown } });
    expect(createSeal(input, person('c', 'custodian@B2'), 'r', T0, UNITS)).toMatchObject({ ok: false, error: { code: 'not_permitted' } });
    expect(createSeal(input, person('s', 'staff@B1'), 'r', T0, UNITS)).toMatchObject({ ok: false, error: { code: 'not_permitted' } });
    expect(createSeal(input, admin, ' ', T0, UNITS)).toMatchObject({ ok: false, error: { code: 'reason_required' } });
  });
});
