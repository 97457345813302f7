import { describe, expect, it } from 'vitest';
import { actorPrefix, isActorOf, newActorId } from './actor';
import { projectSubject } from './projection';
import type { FactRow } from './rows';

const move = (id: string, from: string | null, to: string, at: number): FactRow => ({
  id: `fact:seal_status_change:${id}`, type: 'fact', kind: 'seal_status_change', subject: 'seal:S1', scopeUnitId: 'U1', author: 'u1', createdAt: at,
  body: { id, sealId: 'S1', from, to, actorId: 'u1', actorRole: 'custodian', reason: 'r', at },
}) as unknown as FactRow;

const seal = { id: 'S1', name: '公章', kind: 'official', unitId: 'U1', custodianId: 'u1', createdAt: 1, form: 'electronic' };

describe('projectSubject', () => {
  it('is the same whatever order and copies the facts arrive in', () => {
    const facts = [move('a', null, 'active', 1), move('b', 'active', 'suspended', 2), move('c', 'active', 'revoked', 3)];
    const once = projectSubject('seal:S1', { json: seal, heads: ['h2', 'h1'] }, facts);
    const shuffled = projectSubject('seal:S1', { json: seal, heads: ['h1', 'h2'] }, [facts[2]!, facts[0]!, facts[1]!, facts[0]!]);
    expect(shuffled).toEqual(once);
    // `c` was made from `active` after the seal had moved on to `suspended`: it is skipped (stale), never carried.
    expect(once).toMatchObject({ kind: 'seal', recordId: 'S1', scopeUnitId: 'U1', valid: true, heads: ['h1', 'h2'], derived: { status: 'suspended', lifecycleChanges: 3, skippedChanges: ['c'] } });
  });

  it('knows a seal from its facts before its document arrives', () => {
    expect(projectSubject('seal:S1', null, [move('a', null, 'active', 1)])).toMatchObject({ record: null, valid: false, scopeUnitId: null, derived: { status: 'active' } });
    expect(projectSubject('alarm:fact_conflict', null, [])).toBeUndefined();
  });
});

describe('actor ids', () => {
  it('tie an Automerge actor to its user', async () => {
    const actor = await newActorId('usr_1');
    expect(isActorOf(actor, await actorPrefix('usr_1'))).toBe(true);
    expect(isActorOf(actor, await actorPrefix('usr_2'))).toBe(false);
    expect(isActorOf((await actorPrefix('usr_1')) + 'zz', await actorPrefix('usr_1'))).toBe(false);
  });
});
