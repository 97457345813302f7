import { asId, contentId, decisionIdSchema, grantIdSchema, type Grant } from '@seal/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import { expectRefused } from './refusalExpect.testing';
import { approve, createSealWorld, defaultGrant, grantFor, holderConfirms, HOUR, T0, type SealWorld } from './sealWorld.testing';

/**
 * The id a device logs an unlock and its stamps under is the grant's content address, rebuilt
 * from the terms and decisions it was shown (`evidenceGrantId`): a tablet cannot name a grant id
 * of its choosing (made up, or another grant's) for approvals it holds. Uses stay counted per
 * request, whatever grant is shown.
 */
let world: SealWorld;
beforeEach(async () => {
  world = await createSealWorld();
});

const unlockWith = async (grant: Grant) => world.client.unlock(grant, await holderConfirms(world, grant));
const withId = (grant: Grant, id: string): Grant => ({ ...grant, id: asId(grantIdSchema, id) });

describe('the grant id is bound to what was approved', () => {
  it('an honest grant unlocks, and the unlock and its stamp are logged under its own id', async () => {
    const grant = await defaultGrant(world);
    const { seq } = await unlockWith(grant);
    const [entry] = (await world.client.readLog(seq, 1)).entries;
    expect(entry).toMatchObject({ type: 'unlock', payload: { grantId: grant.id } });
    const pressed = await world.hardware.press(1);
    const [stamp] = (await world.client.readLog(pressed.seq!, 1)).entries;
    expect(stamp).toMatchObject({ type: 'stamp', payload: { grantId: grant.id, requestId: world.request.id } });
  });

  it('a decision with a note and a user handle: the id still rebuilds, the grant unlocks', async () => {
    const decision = await approve(world.request, 'approver', world.passkeys.approver);
    const noted = { ...decision, comment: '同意，按合同金额盖章', assertion: { ...decision.assertion, userHandle: 'aG9sZGVy' } };
    const { id: _id, ...body } = noted;
    const grant = await grantFor(world.request, [{ ...noted, id: asId(decisionIdSchema, await contentId(body)) }]);
    expect((await unlockWith(grant)).usesLeft).toBe(2);
  });

  it.each([
    ['a made-up id', (g: Grant) => withId(g, 'f'.repeat(64))],
    ['a short id of the tablet\'s choosing', (g: Grant) => withId(g, 'g-1')],
    ['a decision\'s time changed (another decision than the one issued)', (g: Grant): Grant => ({ ...g, decisions: g.decisions.map((d) => ({ ...d, at: d.at + 1 })) })],
    ['a decision\'s note added', (g: Grant): Grant => ({ ...g, decisions: g.decisions.map((d) => ({ ...d, comment: 'x' })) })],
  ])('%s: refused (grant_mismatch, grant_id_mismatch), logged, nothing unlocked', async (_, edit) => {
    const refusal = await expectRefused(world, unlockWith(edit(await defaultGrant(world))), 'grant_mismatch');
    expect(refusal.message).toContain('grant_id_mismatch');
    expect((await world.client.status()).locked).toBe(true);
  });

  it('another real grant\'s id (another request, same device and holder) is refused', async () => {
    const other = { ...world.request, id: 'req-2' as typeof world.request.id, usesRequested: 1 };
    const otherGrant = await grantFor(other, [await approve(other, 'approver', world.passkeys.approver)]);
    await expectRefused(world, unlockWith(withId(await defaultGrant(world), otherGrant.id)), 'grant_mismatch');
  });

  it('two honest grants of one request (different approvers, different ids) share its use counter', async () => {
    const first = await defaultGrant(world);
    const second = await grantFor(world.request, [await approve(world.request, 'approver-hq', world.passkeys.approverHq)]);
    expect(second.id).not.toBe(first.id);
    await unlockWith(first);
    await world.hardware.press(1);
    await world.client.lock();
    expect((await unlockWith(second)).usesLeft).toBe(1);
    await world.hardware.press(2);
    world.clock.advance(HOUR);
    await expectRefused(world, unlockWith(first), 'uses_exhausted');
    expect(world.clock.now()).toBeLessThan(T0 + 24 * HOUR);
  });
});
