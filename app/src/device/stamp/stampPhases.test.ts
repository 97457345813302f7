import { describe, expect, it } from 'vitest';
import { STAMP_EVENTS, STAMP_PHASES, nextStampPhase, type StampEvent, type StampPhase } from './stampPhases';

/**
 * The legal moves, written out by hand from the session's behaviour (NOT computed from
 * STAMP_TRANSITIONS), as `phase>event` → next phase. Everything else is refused.
 */
const LEGAL: ReadonlyMap<string, StampPhase> = new Map([
  ['idle>connect', 'connecting'],
  ['idle>disconnect', 'idle'],
  ['connecting>linked', 'connected'],
  ['connecting>link_failed', 'idle'],
  ['connecting>disconnect', 'idle'],
  ['connected>unlock', 'confirming'],
  ['connected>seen_unlocked', 'unlocked'],
  ['connected>seen_locked', 'connected'],
  ['connected>disconnect', 'idle'],
  ['confirming>unlocked', 'unlocked'],
  ['confirming>unlock_failed', 'connected'],
  ['confirming>seen_unlocked', 'unlocked'],
  ['confirming>seen_locked', 'confirming'],
  ['confirming>disconnect', 'idle'],
  ['unlocked>locked', 'connected'],
  ['unlocked>seen_unlocked', 'unlocked'],
  ['unlocked>seen_locked', 'connected'],
  ['unlocked>disconnect', 'idle'],
] as const);

describe('stamp phases: every phase × every event', () => {
  const cases = STAMP_PHASES.flatMap((phase) => STAMP_EVENTS.map((event) => [phase, event] as const));

  it('covers the five phases and ten events', () => {
    expect(new Set(STAMP_PHASES)).toEqual(new Set(['idle', 'connecting', 'connected', 'confirming', 'unlocked']));
    expect(STAMP_EVENTS).toHaveLength(10);
    expect(cases).toHaveLength(50);
  });

  it.each(cases)('%s + %s', (phase: StampPhase, event: StampEvent) => {
    expect(nextStampPhase(phase, event)).toBe(LEGAL.get(`${phase}>${event}`));
  });

  it('refuses what the screen never offers: a second connect, unlocking twice, locking a locked device', () => {
    expect(nextStampPhase('connected', 'connect')).toBeUndefined();
    expect(nextStampPhase('connecting', 'connect')).toBeUndefined();
    expect(nextStampPhase('unlocked', 'unlock')).toBeUndefined();
    expect(nextStampPhase('connected', 'locked')).toBeUndefined();
  });

  it('ignores a status read while no device is linked (a read that lands after the link closed)', () => {
    for (const phase of ['idle', 'connecting'] as const) {
      expect(nextStampPhase(phase, 'seen_unlocked')).toBeUndefined();
      expect(nextStampPhase(phase, 'seen_locked')).toBeUndefined();
    }
  });

  it('always lets the person disconnect, back to idle', () => {
    for (const phase of STAMP_PHASES) expect(nextStampPhase(phase, 'disconnect')).toBe('idle');
  });

  it('reaches unlocked from idle only through connect, linked and an unlock (or the device seen unlocked)', () => {
    const run = (events: StampEvent[]): StampPhase | undefined => events.reduce<StampPhase | undefined>((p, e) => (p === undefined ? undefined : nextStampPhase(p, e)), 'idle');
    expect(run(['connect', 'linked', 'unlock', 'unlocked'])).toBe('unlocked');
    expect(run(['connect', 'linked', 'seen_unlocked'])).toBe('unlocked');
    expect(run(['connect', 'unlock'])).toBeUndefined();
    expect(run(['unlock'])).toBeUndefined();
  });
});
