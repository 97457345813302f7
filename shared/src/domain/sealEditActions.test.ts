import { describe, expect, it } from 'vitest';
import { governanceTarget, sealEditActions } from './governance';

describe('what an edit of a seal record amounts to (the rule the app asks a route by and the server judges a pushed edit by)', () => {
  const before = { name: '项目部公章', custodianId: 'usr_a' };
  it('names a rename, a change of custodian, both, or nothing', () => {
    expect(sealEditActions(before, { name: '一号项目部公章', custodianId: 'usr_a' })).toEqual(['rename']);
    expect(sealEditActions(before, { name: '项目部公章', custodianId: 'usr_b' })).toEqual(['change_custodian']);
    expect(sealEditActions(before, { name: 'x', custodianId: 'usr_b' })).toEqual(['rename', 'change_custodian']);
    expect(sealEditActions(before, { ...before })).toEqual([]);
  });
  it('counts a field that disappears or changes type as a change (a hostile edit cannot hide behind a missing field)', () => {
    expect(sealEditActions(before, { custodianId: 'usr_a' })).toEqual(['rename']);
    expect(sealEditActions(before, { name: '项目部公章', custodianId: ['usr_a'] })).toEqual(['change_custodian']);
  });
  it('making a seal is its first move to active; renaming and changing the custodian move nothing', () => {
    expect([governanceTarget('create'), governanceTarget('rename'), governanceTarget('change_custodian')]).toEqual(['active', undefined, undefined]);
  });
});
