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

  it('applies only the first of two concurrent moves from one status (suspend ∥ revoke), whatever order they come in', () => {
    const suspend = sealChange('active', 'suspended', 20, custodian, 'custodian');
    const revoke = sealChange('active', 'revoked', 21);
    for (const changes of [[suspend, revoke], [revoke, suspend]]) {
      const timeline = sealStatusTimeline([sealChange(null, 'active', 10), ...changes]);
      expect(sealStatusAt(timeline, 100)).toBe('suspended');
      expect(timeline.skipped).toEqual([{ changeId: revoke.id, reason: expect.stringMatching(/current status suspended/) as unknown }]);
    }
  });

  it('skips a second creation, and a move dated no later than the last applied one', () => {
    const timeline = sealStatusTimeline([sealChange(null, 'active', 10), sealChange(null, 'active', 11, custodian, 'custodian'), sealChange('active', 'suspended', 30), sealChange('suspended', 'active', 30, custodian, 'custodian'), sealChange('suspended', 'lost', 25)]);
    expect(sealStatusAt(timeline, 100)).toBe('suspended');
    expect(timeline.skipped.map((s) => s.reason)).toEqual([
      "expected a move from the seal's current status active; got a second creation (new → active)",
      "expected a move from the seal's current status active; got suspended → lost, made from a status the seal has left",
      "expected a move made after the seal's last move (at 30), got suspended → active made at 30",
    ]);
  });

  it('skips a move the table would not allow from there (a custodian resuming a lost seal)', () => {
    const timeline = sealStatusTimeline([
      sealChange('active', 'suspended', 10, custodian, 'custodian'),
      sealChange('suspended', 'lost', 20),
      sealChange('suspended', 'active', 30, custodian, 'custodian'),
    ]);
    expect(sealStatusAt(timeline, 100)).toBe('lost');
    expect(timeline.skipped).toEqual([{ changeId: expect.stringContaining('suspended:active') as unknown, reason: "expected a move from the seal's current status lost; got suspended → active, made from a status the seal has left" }]);
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
