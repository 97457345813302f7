import { describe, expect, it } from 'vitest';
import { createSeal, type OrgUnit, type SealId, type UnitId, type User, type UserId } from '@seal/shared';
import { checkSealDraft, type SealDraft } from './sealDraft';

const ID = 'seal-1' as SealId;
const AT = 1_700_000_000_000;
const draft = (extra: Partial<SealDraft> = {}): SealDraft => ({
  name: '  华建集团有限公司合同专用章 ',
  kind: 'contract',
  form: 'physical',
  unitId: 'S1',
  custodianId: 'cat',
  antiCounterfeitCode: '3301 020 012345',
  deviceId: '',
  reason: ' New contract seal ',
  ...extra,
});

describe('checkSealDraft', () => {
  it('turns a complete physical draft into a seal createSeal accepts', () => {
    const checked = checkSealDraft(draft({ deviceId: 'dev-1' }), ID, AT);
    expect(checked).toEqual({
      ok: true,
      reason: 'New contract seal',
      seal: { id: ID, name: '华建集团有限公司合同专用章', kind: 'contract', form: 'physical', unitId: 'S1', custodianId: 'cat', createdAt: AT, antiCounterfeitCode: '3301020012345', deviceId: 'dev-1' },
    });
    const units: OrgUnit[] = [{ id: 'S1' as UnitId, name: 'Site', kind: 'hq', parentId: null }];
    const actor: User = { id: 'cat' as UserId, name: 'Cat', unitId: 'S1' as UnitId, active: true, grants: [{ role: 'custodian', unitId: 'S1' as UnitId }] };
    if (!checked.ok) throw new Error('expected ok');
    const made = createSeal(checked.seal, actor, checked.reason, AT, units);
    expect(made).toMatchObject({ ok: true, value: { seal: { status: 'active' }, change: { from: null, to: 'active', actorRole: 'custodian' } } });
  });

  it('leaves an unbound physical seal with no device, and an electronic seal without a code', () => {
    const unbound = checkSealDraft(draft(), ID, AT);
    expect(unbound.ok && unbound.seal.form === 'physical' && unbound.seal.deviceId).toBeNull();
    const electronic = checkSealDraft(draft({ form: 'electronic', antiCounterfeitCode: '', deviceId: 'dev-1' }), ID, AT);
    expect(electronic).toMatchObject({ ok: true, seal: { form: 'electronic' } });
    expect(electronic.ok && 'antiCounterfeitCode' in electronic.seal).toBe(false);
    expect(electronic.ok && 'deviceId' in electronic.seal).toBe(false);
  });

  it('says what is wrong with each field at once', () => {
    expect(checkSealDraft(draft({ name: '   ', unitId: '', custodianId: '', antiCounterfeitCode: '', reason: ' ' }), ID, AT)).toEqual({
      ok: false,
      problems: { name: 'required', unitId: 'required', custodianId: 'required', antiCounterfeitCode: 'required', reason: 'required' },
    });
    expect(checkSealDraft(draft({ name: '印'.repeat(201) }), ID, AT)).toEqual({ ok: false, problems: { name: 'too_long' } });
  });

  it('checks the code: 13 digits, whatever grouping it was typed with', () => {
    expect(checkSealDraft(draft({ antiCounterfeitCode: '330102001234' }), ID, AT)).toEqual({ ok: false, problems: { antiCounterfeitCode: 'wrong_length' } });
    expect(checkSealDraft(draft({ antiCounterfeitCode: '3301O20012345' }), ID, AT)).toEqual({ ok: false, problems: { antiCounterfeitCode: 'not_digits' } });
    expect(checkSealDraft(draft({ form: 'electronic', antiCounterfeitCode: '12' }), ID, AT)).toEqual({ ok: false, problems: { antiCounterfeitCode: 'wrong_length' } });
  });
});

describe('codeProblemOnInput: the anti-counterfeit code checked as it is typed', () => {
  it('says at once what is wrong with a mistyped code, and nothing about a good or empty one', async () => {
    const { codeProblemOnInput } = await import('./sealDraft');
    expect(codeProblemOnInput('330102001234')).toBe('wrong_length');
    expect(codeProblemOnInput('33010200123456')).toBe('wrong_length');
    expect(codeProblemOnInput('330102001234O')).toBe('not_digits');
    expect(codeProblemOnInput('3301 020 012345')).toBeUndefined();
    expect(codeProblemOnInput('')).toBeUndefined();
  });
});
