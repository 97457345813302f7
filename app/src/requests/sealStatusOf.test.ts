import { describe, expect, it } from 'vitest';
import { admin, HOUR, sealChange, T0 } from '@seal/shared/testing';
import { sealStatusOf, statusChangeRowId } from './sealStatusOf';

describe('sealStatusOf', () => {
  const created = sealChange(null, 'active', T0 - HOUR, admin, 'admin');
  const suspended = sealChange('active', 'suspended', T0, admin, 'admin');

  it('replays the changes up to now', () => {
    expect(sealStatusOf([suspended, created], new Set(), T0 + 1)).toBe('suspended');
    expect(sealStatusOf([suspended, created], new Set(), T0 - 1)).toBe('active');
    expect(sealStatusOf([suspended, created], new Set(), T0 - 2 * HOUR)).toBeNull();
  });

  it('leaves refused changes out, and says "not known" without a counted change', () => {
    expect(sealStatusOf([created, suspended], new Set([statusChangeRowId(suspended)]), T0 + 1)).toBe('active');
    expect(sealStatusOf([created], new Set([statusChangeRowId(created)]), T0 + 1)).toBeNull();
    expect(sealStatusOf([], new Set(), T0)).toBeNull();
  });
});
