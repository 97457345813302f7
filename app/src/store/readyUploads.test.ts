import { describe, expect, it } from 'vitest';
import { FactsAwaited } from './readyUploads';

describe('the facts queued bytes wait for', () => {
  it('wake the queue when one arrives, and nothing else does', () => {
    const awaited = new FactsAwaited();
    expect(awaited.arrived('fact:attachment:a')).toBe(false);
    awaited.begin();
    expect(awaited.end(new Set(['fact:attachment:a']))).toBe(false);
    expect(awaited.arrived('fact:attachment:b')).toBe(false);
    expect(awaited.arrived('fact:attachment:a')).toBe(true);
  });

  it('wake the queue again when one arrived while a pass read what is held, before the pass knew it was awaited', () => {
    const awaited = new FactsAwaited();
    awaited.begin();
    // Not awaited yet (the first pass to see its bytes wait): the arrival wakes nothing now...
    expect(awaited.arrived('fact:attachment:a')).toBe(false);
    // ...but the pass, having read before it was written, finds it awaited: it goes round again.
    expect(awaited.end(new Set(['fact:attachment:a']))).toBe(true);
    // One arrived during a pass that no longer awaits it wakes nothing.
    awaited.begin();
    awaited.arrived('fact:attachment:a');
    expect(awaited.end(new Set())).toBe(false);
    expect(awaited.arrived('fact:attachment:a')).toBe(false);
  });
});
