import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sealStatusAt, sealStatusTimeline } from './sealStatusTimeline';
import { custodian, sealChange } from './fixtures.testing';

describe('sealStatusTimeline', () => {
  it('replays changes in time order', () => {
    const timeline = sealStatusTimeline([sealChange('active', 'suspended', 20), sealChange(null, 'active', 10), sealChange('suspended', 'active', 30)]);
    expect(sealStatusAt(timeline, 5)).toBeNull();
    expect(sealStatusAt(timeline, 10)).toBe('active');
    expect(sealStatusAt(timeline, 25)).toBe('suspended');
    expect(sealStatusAt(timeline, 30)).toBe('active');
    expect(timeline.skipped).toEqual([]);
  });

  it('applies a concurrent move that is legal from where the seal got to (suspend ∥ revoke)', () => {
    const timeline = sealStatusTimeline([sealChange('active', 'suspended', 20, custodian, 'custodian'), sealChange('active', 'revoked', 21)]);
    expect(sealStatusAt(timeline, 100)).toBe('revoked');
  });

  it('skips a move the table would not allow from there (a custodian resuming a lost seal)', () => {
    const timeline = sealStatusTimeline([
      sealChange('active', 'suspended', 10, custodian, 'custodian'),
      sealChange('suspended', 'lost', 20),
      sealChange('suspended', 'active', 30, custodian, 'custodian'),
    ]);
    expect(sealStatusAt(timeline, 100)).toBe('lost');
    expect(timeline.skipped).toEqual([{ changeId: expect.stringContaining('suspended:active') as unknown, reason: 'lost → active by a custodian is not a legal move' }]);
  });

  it('nothing applies after destruction', () => {
    const timeline = sealStatusTimeline([sealChange('active', 'revoked', 10), sealChange('revoked', 'destroyed', 20), sealChange('destroyed', 'active', 30)]);
    expect(sealStatusAt(timeline, 100)).toBe('destroyed');
    expect(timeline.skipped).toHaveLength(1);
  });

  it('does not depend on order or copies (property)', () => {
    const changes = [sealChange(null, 'active', 1), sealChange('active', 'suspended', 5), sealChange('suspended', 'active', 5), sealChange('active', 'lost', 9), sealChange('lost', 'active', 12)];
    const reference = sealStatusTimeline(changes);
    fc.assert(
      fc.property(fc.shuffledSubarray([...changes, ...changes], { minLength: changes.length * 2 }), (shuffled) => {
        expect(sealStatusTimeline(shuffled)).toEqual(reference);
      }),
    );
  });
});
