import { describe, expect, it } from 'vitest';
import { mergePostings, type Posting } from './postings';

const known: Posting = [1_772_412_000_000, 'a'.repeat(24), 'fact:device_event:dev1:4', 'time_set', 'site', 'seal1', 'dev1', null];
const unknown: Posting = [1_772_412_000_000, 'a'.repeat(24), 'fact:device_event:dev1:4', 'time_set', 'site', null, 'dev1', null];
const other: Posting = [1_772_412_000_001, 'b'.repeat(24), 'fact:device_event:dev1:5', 'unlock', 'site', 'seal1', 'dev1', null];

describe('mergePostings (two instances that derived one event differently)', () => {
  it('keeps the posting that knows the seal, whichever list holds it', () => {
    expect(mergePostings([unknown], [known])).toEqual([known]);
    expect(mergePostings([known], [unknown])).toEqual([known]);
    expect(mergePostings([unknown, other], [known])).toEqual([other, known]);
  });

  it('ends the same in any merge order when both know a seal', () => {
    const otherSeal = [...known.slice(0, 5), 'seal2', 'dev1', null] as unknown as Posting;
    expect(mergePostings([known], [otherSeal])).toEqual(mergePostings([otherSeal], [known]));
  });

  it('keeps the seal of the later binding when two derivations name different seals, in any merge order', () => {
    const fromFirst: Posting = [...known.slice(0, 5), 'seal1', 'dev1', null, 3] as unknown as Posting;
    const fromRebind: Posting = [...known.slice(0, 5), 'seal2', 'dev1', null, 40] as unknown as Posting;
    const fromGrant: Posting = [...known.slice(0, 5), 'seal0', 'dev1', null] as unknown as Posting;
    expect(mergePostings([fromFirst], [fromRebind])).toEqual([fromRebind]);
    expect(mergePostings([fromRebind], [fromFirst])).toEqual([fromRebind]);
    expect(mergePostings([fromGrant], [fromFirst])).toEqual([fromFirst]);
    expect(mergePostings([fromFirst, fromGrant], [fromRebind])).toEqual([fromRebind]);
  });
});
