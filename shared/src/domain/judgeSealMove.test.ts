import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { judgeMoveTime, judgeSealMove, MAX_MOVE_AHEAD_MS } from './judgeSealMove';
import { SEAL_STATUSES, type SealStatus } from './seal';
import type { SealStatusChange } from './sealStatusChange';
import { SEAL_TRANSITIONS } from './sealTransitions';
import { sealLifecycleStateOf, sealStatusTimeline } from './sealStatusTimeline';
import { custodian, sealChange } from './fixtures.testing';

const codeOf = (result: ReturnType<typeof judgeSealMove>): string => (result.ok ? 'ok' : result.error.code);

describe('judgeSealMove', () => {
  it('applies a move of the table, for its role, from the current status, made after the last move', () => {
    expect(judgeSealMove({ status: null, since: null }, sealChange(null, 'active', 10))).toEqual({ ok: true, value: undefined });
    expect(codeOf(judgeSealMove({ status: 'active', since: 10 }, sealChange('active', 'suspended', 11, custodian, 'custodian')))).toBe('ok');
  });

  it('refuses a move outside the table or for another role as illegal, whatever the state', () => {
    expect(codeOf(judgeSealMove({ status: 'active', since: 10 }, sealChange('active', 'destroyed', 20)))).toBe('illegal_transition');
    expect(codeOf(judgeSealMove({ status: 'lost', since: 10 }, sealChange('lost', 'active', 20, custodian, 'custodian')))).toBe('illegal_transition');
  });

  it('refuses as stale: a move from another status, a second creation, a move before its creation, a move after destruction', () => {
    const cases: [Parameters<typeof judgeSealMove>[0], SealStatusChange, RegExp][] = [
      [{ status: 'lost', since: 20 }, sealChange('suspended', 'active', 30, custodian, 'custodian'), /current status lost; got suspended → active/],
      [{ status: 'active', since: 10 }, sealChange(null, 'active', 30, custodian, 'custodian'), /second creation/],
      [{ status: null, since: null }, sealChange('active', 'suspended', 30), /has no status yet/],
      [{ status: 'destroyed', since: 20 }, sealChange('revoked', 'destroyed', 30), /current status destroyed: nothing leaves that state/],
      [{ status: 'active', since: 30 }, sealChange('active', 'suspended', 30), /after the seal's last move \(at 30\)/],
      [{ status: 'active', since: 30 }, sealChange('active', 'suspended', 29), /made at 29/],
    ];
    for (const [state, change, message] of cases) {
      const result = judgeSealMove(state, change);
      expect(result, change.id).toMatchObject({ ok: false, error: { code: 'stale_transition', message: expect.stringMatching(message) as unknown } });
    }
  });

  it('is what the timeline replays by: a chain the rule accepted one by one replays whole, in any order (property)', () => {
    // Build chains by the rule itself, in arrival order, from random attempted moves; the
    // timeline of what was accepted must apply all of it and end where the judge ended.
    const attempt = fc.record({ to: fc.constantFrom(...SEAL_STATUSES), dt: fc.integer({ min: -5, max: 20 }), admin: fc.boolean() });
    fc.assert(
      fc.property(fc.array(attempt, { maxLength: 25 }), fc.array(fc.constantFrom<SealStatus | null>(null, ...SEAL_STATUSES), { maxLength: 25 }), (attempts, froms) => {
        let state: { status: SealStatus | null; since: number | null } = { status: null, since: null };
        let at = 100;
        const accepted = [];
        for (const [i, a] of attempts.entries()) {
          at += a.dt;
          const from = i === 0 ? null : (froms[i] ?? state.status);
          const rule = SEAL_TRANSITIONS.find((r) => r.from === from && r.to === a.to);
          if (rule === undefined) continue;
          const change = a.admin ? sealChange(from, a.to, at) : sealChange(from, a.to, at, custodian, 'custodian');
          if (judgeSealMove(state, change).ok) {
            accepted.push(change);
            state = { status: change.to, since: change.at };
          }
        }
        const timeline = sealStatusTimeline([...accepted].reverse());
        expect(timeline.skipped).toEqual([]);
        expect(sealLifecycleStateOf(timeline)).toEqual(state);
      }),
    );
  });
});

describe('judgeMoveTime', () => {
  const now = 1_790_000_000_000;
  it('takes a move dated up to a few minutes after the server\'s clock (jitter), or any time before it', () => {
    expect(MAX_MOVE_AHEAD_MS).toBe(5 * 60 * 1000);
    for (const at of [now - 86_400_000, now, now + 60_000, now + MAX_MOVE_AHEAD_MS]) expect(judgeMoveTime(sealChange('active', 'suspended', at), now).ok, String(at)).toBe(true);
  });

  it('refuses a move dated further ahead (future_time): a custodian\'s moves a day ahead would hold every later move back for that day', () => {
    for (const at of [now + MAX_MOVE_AHEAD_MS + 1, now + 23 * 60 * 60 * 1000, Number.MAX_SAFE_INTEGER]) {
      expect(judgeMoveTime(sealChange('active', 'suspended', at), now)).toMatchObject({ ok: false, error: { code: 'future_time', message: expect.stringMatching(/at most 5 minutes after the server's clock/) as unknown } });
    }
  });
});
