import { asId, generateOrgKeyPair, hashRecordHex, jwkThumbprint, requestIdSchema, sealIdSchema, signRecord, userIdSchema, type Grant, type UseRequest } from '@seal/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import { expectRefused } from './refusalExpect.testing';
import { approve, createSealWorld, defaultGrant, grantFor, holderConfirms, HOUR, rebootWorld, SEAL, T0, worldRevocations, type SealWorld } from './sealWorld.testing';

/**
 * Revocations reach the device (PROTOCOL.md §5 "Revocations"): the org-signed list any tablet
 * carries, installed only when newer and signed, checked before every unlock, logged.
 */
let world: SealWorld;
beforeEach(async () => {
  world = await createSealWorld();
});

const unlockWith = async (grant: Grant) => world.client.unlock(grant, await holderConfirms(world, grant));
const logTypes = async () => (await world.client.readLogSince(0)).map((e) => e.type);

describe('installing the revocation list', () => {
  it('a newer list is installed and logged with its version, issue time and hash; info reports it', async () => {
    const v2 = await worldRevocations(world.org, 2, (l) => ({ ...l, requests: [{ requestId: asId(requestIdSchema, 'req-9'), since: T0, notAfter: T0 + 48 * HOUR }] }), T0 + HOUR);
    const reply = await world.client.installRevocations(v2);
    expect(reply.version).toBe(2);
    const [entry] = (await world.client.readLog(reply.seq!, 1)).entries;
    expect(entry).toMatchObject({ type: 'revocations_installed', payload: { version: 2, issuedAt: T0 + HOUR, listSha256: await hashRecordHex(v2.list) } });
    expect((await world.client.info()).revocations).toEqual([2, T0 + HOUR]);
  });

  it('the same list again is an ok no-op: nothing logged', async () => {
    const before = await logTypes();
    const again = await world.client.installRevocations(await worldRevocations(world.org, 1));
    expect(again).toEqual({ version: 1 });
    expect(await logTypes()).toEqual(before);
  });

  it('an older list is refused (revocations_stale) and logged; the newer one stays in force', async () => {
    const suspended = await worldRevocations(world.org, 5, (l) => ({ ...l, seals: [{ sealId: SEAL.id, status: 'suspended', since: T0 }] }));
    await world.client.installRevocations(suspended);
    // A tablet that never heard of the suspension replays an old clean list: refused.
    await expectRefused(world, world.client.installRevocations(await worldRevocations(world.org, 4)), 'revocations_stale');
    expect((await world.client.info()).revocations?.[0]).toBe(5);
    await expectRefused(world, unlockWith(await defaultGrant(world)), 'seal_revoked');
  });

  it('another list under the version in force is refused (revocations_conflict)', async () => {
    const other = await worldRevocations(world.org, 1, (l) => ({ ...l, users: [{ userId: asId(userIdSchema, 'someone'), since: T0 }] }));
    await expectRefused(world, world.client.installRevocations(other), 'revocations_conflict');
  });

  it('an altered, unsigned, foreign-key or mislabelled list is refused (revocations_invalid) and changes nothing', async () => {
    const clean = await worldRevocations(world.org, 2);
    // Altered after signing: the suspension is added by hand, the signature is the clean list's.
    const altered = { ...clean, list: { ...clean.list, seals: [{ sealId: SEAL.id, status: 'suspended' as const, since: T0 }] } };
    await expectRefused(world, world.client.installRevocations(altered), 'revocations_invalid');
    // "Unsigned": a signature of zeroes.
    await expectRefused(world, world.client.installRevocations({ ...clean, signature: 'A'.repeat(86) }), 'revocations_invalid');
    // Signed by another organisation's key, naming that key.
    const stranger = await generateOrgKeyPair();
    await expectRefused(world, world.client.installRevocations(await worldRevocations(stranger, 3)), 'revocations_invalid');
    // Signed by the right key but naming another org key id.
    const mislabelled = { ...clean.list, version: 3, orgKeyId: await jwkThumbprint(stranger.publicJwk) };
    await expectRefused(world, world.client.installRevocations({ list: mislabelled, signature: await signRecord(world.org.privateKey, mislabelled) }), 'revocations_invalid');
    // Signed by the right key but not a revocation list (another purpose).
    const other = { ...clean.list, version: 3, purpose: 'seal-device-binding' };
    await expectRefused(world, world.client.installRevocations({ list: other as never, signature: await signRecord(world.org.privateKey, other) }), 'revocations_invalid');
    expect((await world.client.info()).revocations?.[0]).toBe(1);
    expect((await unlockWith(await defaultGrant(world))).usesLeft).toBe(2);
  });

  it('the list survives a power cycle, and an older one is still refused after it', async () => {
    await world.client.installRevocations(await worldRevocations(world.org, 3, (l) => ({ ...l, seals: [{ sealId: SEAL.id, status: 'lost', since: T0 }] })));
    world = await rebootWorld(world);
    expect((await world.client.info()).revocations?.[0]).toBe(3);
    await expectRefused(world, world.client.installRevocations(await worldRevocations(world.org, 2)), 'revocations_stale');
    await expectRefused(world, unlockWith(await defaultGrant(world)), 'seal_revoked');
  });
});

describe('unlock checks the list', () => {
  it.each([
    ['suspended', 'seal_revoked'],
    ['lost', 'seal_revoked'],
    ['confiscated', 'seal_revoked'],
    ['revoked', 'seal_revoked'],
  ] as const)('a seal %s: refused (%s), logged', async (status, code) => {
    await world.client.installRevocations(await worldRevocations(world.org, 2, (l) => ({ ...l, seals: [{ sealId: SEAL.id, status, since: T0 }] })));
    const refusal = await expectRefused(world, unlockWith(await defaultGrant(world)), code);
    expect(refusal.message).toContain(status);
  });

  it('another seal on the list does not stop this one', async () => {
    await world.client.installRevocations(await worldRevocations(world.org, 2, (l) => ({ ...l, seals: [{ sealId: asId(sealIdSchema, 'seal-other'), status: 'revoked', since: T0 }] })));
    expect((await unlockWith(await defaultGrant(world))).usesLeft).toBe(2);
  });

  it('a withdrawn request: refused (request_withdrawn), logged with the request', async () => {
    await world.client.installRevocations(await worldRevocations(world.org, 2, (l) => ({ ...l, requests: [{ requestId: world.request.id, since: T0, notAfter: T0 + 24 * HOUR }] })));
    const refusal = await expectRefused(world, unlockWith(await defaultGrant(world)), 'request_withdrawn');
    const [entry] = (await world.client.readLog(refusal.seq!, 1)).entries;
    expect(entry).toMatchObject({ payload: { requestId: world.request.id } });
  });

  it('a deactivated holder: refused (holder_deactivated), logged', async () => {
    await world.client.installRevocations(await worldRevocations(world.org, 2, (l) => ({ ...l, users: [{ userId: world.request.requesterId, since: T0 }] })));
    await expectRefused(world, unlockWith(await defaultGrant(world)), 'holder_deactivated');
  });

  it('a deactivated approver: refused (approver_deactivated), logged, on a device whose roster still holds their passkey', async () => {
    // Deactivated half an hour after they approved (T0 - 30 min): being listed is what counts.
    await world.client.installRevocations(await worldRevocations(world.org, 2, (l) => ({ ...l, users: [{ userId: asId(userIdSchema, 'approver'), since: T0 + HOUR / 2 }] }), T0 + HOUR));
    expect((await world.client.info()).rosterVersion).toBe(1);
    const refusal = await expectRefused(world, unlockWith(await defaultGrant(world)), 'approver_deactivated');
    expect(refusal.message).toContain('"approver"');
    // Another approver of the seal's unit still makes a grant that unlocks.
    const byHq = await grantFor(world.request, [await approve(world.request, 'approver-hq', world.passkeys.approverHq)]);
    expect((await unlockWith(byHq)).usesLeft).toBe(2);
  });

  it('no list held: refused (revocations_missing)', async () => {
    await world.storage.delete('revocations');
    world = await rebootWorld(world);
    await expectRefused(world, unlockWith(await defaultGrant(world)), 'revocations_missing');
  });

  it('a list older than 24 h by the device clock: refused (revocations_expired) until a fresh one arrives', async () => {
    const longer: UseRequest = { ...world.request, window: { notBefore: T0, notAfter: T0 + 72 * HOUR } };
    const grant = await grantFor(longer, [await approve(longer, 'approver', world.passkeys.approver)]);
    world.clock.advance(23 * HOUR); // T0 + 24 h: the list issued at T0 is exactly 24 h old, still good
    expect((await unlockWith(grant)).usesLeft).toBe(2);
    await world.client.lock();
    world.clock.advance(1); // one millisecond past the bound
    await expectRefused(world, unlockWith(grant), 'revocations_expired');
    await world.client.installRevocations(await worldRevocations(world.org, 2, (l) => l, T0 + 24 * HOUR));
    expect((await unlockWith(grant)).usesLeft).toBe(2);
  });

  it('a list naming the seal of the session in progress locks the device at once; the next press is refused', async () => {
    await unlockWith(await defaultGrant(world));
    expect((await world.hardware.press(1)).stamped).toBe(true);
    await world.client.installRevocations(await worldRevocations(world.org, 2, (l) => ({ ...l, seals: [{ sealId: SEAL.id, status: 'suspended', since: T0 + HOUR }] })));
    expect((await world.client.status()).locked).toBe(true);
    const log = await world.client.readLogSince(0);
    expect(log.slice(-2).map((e) => [e.type, e.type === 'lock' ? e.payload.cause : null])).toEqual([['revocations_installed', null], ['lock', 'remote']]);
    expect(await world.hardware.press(2)).toMatchObject({ stamped: false, code: 'locked' });
  });

  it('a list naming an approver of the session in progress locks the device at once; the next press is refused', async () => {
    await unlockWith(await defaultGrant(world));
    await world.client.installRevocations(await worldRevocations(world.org, 2, (l) => ({ ...l, users: [{ userId: asId(userIdSchema, 'approver'), since: T0 + HOUR }] })));
    expect((await world.client.status()).locked).toBe(true);
    const log = await world.client.readLogSince(0);
    expect(log.slice(-2).map((e) => [e.type, e.type === 'lock' ? e.payload.cause : null])).toEqual([['revocations_installed', null], ['lock', 'remote']]);
    expect(await world.hardware.press(1)).toMatchObject({ stamped: false, code: 'locked' });
  });

  it('a list naming only other seals, requests and people leaves the session open', async () => {
    await unlockWith(await defaultGrant(world));
    await world.client.installRevocations(await worldRevocations(world.org, 2, (l) => ({ ...l, users: [{ userId: asId(userIdSchema, 'someone-else'), since: T0 }] })));
    expect((await world.client.status()).locked).toBe(false);
    expect(await world.hardware.press(1)).toMatchObject({ stamped: true, useIndex: 1 });
  });
});
