import { describe, expect, it } from 'vitest';
import { person, unit, UNITS } from '../domain/fixtures.testing';
import { checkRequestSeal } from './checkRequestSeal';

describe('checkRequestSeal: which seals a request may name', () => {
  const siteStaff = person('s1-staff', 'staff@S1');
  const branchStaff = person('b1-staff', 'staff@B1');

  it("allows the seals of the requester's units, below them included", () => {
    expect(checkRequestSeal(siteStaff, 'seal-s1', { unitId: unit('S1') }, UNITS).ok).toBe(true);
    expect(checkRequestSeal(branchStaff, 'seal-s1', { unitId: unit('S1') }, UNITS).ok).toBe(true);
    expect(checkRequestSeal(branchStaff, 'seal-b1', { unitId: unit('B1') }, UNITS).ok).toBe(true);
  });

  it("refuses another branch's seal, one above the requester's units, and one nobody recorded", () => {
    expect(checkRequestSeal(siteStaff, 'seal-s2', { unitId: unit('S2') }, UNITS)).toMatchObject({ ok: false, error: { code: 'out_of_scope' } });
    expect(checkRequestSeal(branchStaff, 'seal-b2', { unitId: unit('B2') }, UNITS)).toMatchObject({ ok: false, error: { code: 'out_of_scope' } });
    expect(checkRequestSeal(siteStaff, 'seal-b1', { unitId: unit('B1') }, UNITS)).toMatchObject({ ok: false, error: { code: 'out_of_scope' } });
    expect(checkRequestSeal(siteStaff, 'seal-none', undefined, UNITS)).toMatchObject({ ok: false, error: { code: 'unknown_seal' } });
    // A custodian of the seal's unit keeps it, but asks for it only as staff.
    expect(checkRequestSeal(person('keeper', 'custodian@S1'), 'seal-s1', { unitId: unit('S1') }, UNITS)).toMatchObject({ ok: false, error: { code: 'not_permitted' } });
  });
});
