import { asId, fromBase64Url, isWellFormedUnicode, sealIdSchema, toBase64Url, deviceIdSchema, userIdSchema, type Grant } from '@seal/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import { exchange, DEFAULT_TIMING } from '../client/exchange';
import { SealDeviceClient } from '../client/SealDeviceClient';
import { MemoryTransport } from '../transport/memoryTransport';
import { createSealDevice } from './createSealDevice';
import { MemoryKeys } from './memoryKeys';
import { MemoryStorage } from './MemoryStorage';
import { SimulatedHardware } from './SimulatedHardware';
import { grantEvidence } from '../protocol/grantWire';
import type { RequestOf } from '../protocol/messages';
import { expectRefused } from './refusalExpect.testing';
import { SoftPasskey } from '@seal/shared/testing';
import { approve, createSealWorld, defaultGrant, grantFor, holderConfirms, HOUR, ORIGIN, RP_ID, T0, worldRoster, type SealWorld } from './sealWorld.testing';

let world: SealWorld;
beforeEach(async () => {
  world = await createSealWorld();
});

const unlockWith = async (grant: Grant) => world.client.unlock(grant, await holderConfirms(world, grant));

/** The raw unlock body (to replay or mix nonces, which the client never does). */
function unlockBody(grant: Grant, nonce: Uint8Array, holder: RequestOf<'unlock'>['holder']): RequestOf<'unlock'> {
  const evidence = grantEvidence(grant);
  if (!evidence.ok) throw new Error(evidence.error.message);
  return { nonce, grant: evidence.value.grant, approvals: [...evidence.value.approvals], holder };
}
let msgId = 0;
const sendRaw = (body: RequestOf<'unlock'>) => exchange(world.transport, ++msgId & 3, 'unlock', body, { ...DEFAULT_TIMING, sleep: () => Promise.resolve() });

describe('unlock refusals: each refused, logged as a refusal and surfaced with its code', () => {
  it('a forged approval (signature bytes altered)', async () => {
    const grant = await defaultGrant(world);
    const sig = fromBase64Url(grant.decisions[0]!.assertion.signature);
    sig[sig.length - 1]! ^= 0x01;
    const forged = { ...grant, decisions: [{ ...grant.decisions[0]!, assertion: { ...grant.decisions[0]!.assertion, signature: toBase64Url(sig) } }] };
    await expectRefused(world, unlockWith(forged), 'approval_invalid');
  });

  it('an approval over other terms (the tablet raised the uses in grant and payload alike)', async () => {
    const grant = await defaultGrant(world);
    const d = grant.decisions[0]!;
    const inflated = { ...grant, uses: 9, decisions: [{ ...d, payload: { ...d.payload, uses: 9 } }] };
    await expectRefused(world, unlockWith(inflated), 'approval_invalid');
  });

  it('a grant that departs from the approved terms (more uses than approved)', async () => {
    const grant = await defaultGrant(world);
    await expectRefused(world, unlockWith({ ...grant, uses: 3 }), 'grant_mismatch');
  });

  it('an approver without authority over the seal, and one whose passkey is revoked', async () => {
    const { request, passkeys } = world;
    await expectRefused(world, unlockWith(await grantFor(request, [await approve(request, 'outsider', passkeys.outsider)])), 'approver_not_entitled');
    await expectRefused(world, unlockWith(await grantFor(request, [await approve(request, 'revoked-approver', passkeys.revoked)])), 'approver_revoked');
  });

  it('an approver whose role the newer roster took away', async () => {
    const grant = await defaultGrant(world);
    const v2 = await worldRoster(world.org, world.passkeys, 2, (r) => ({ ...r, users: r.users.map((u) => (u.id === 'approver' ? { ...u, roles: [{ role: 'staff', unitId: 'B1' }] } : u)) }));
    await world.client.installRoster(v2);
    await expectRefused(world, unlockWith(grant), 'approver_not_entitled');
  });

  it('only the seal custodian approved (route needs someone else too)', async () => {
    const { request, passkeys } = world;
    await expectRefused(world, unlockWith(await grantFor(request, [await approve(request, 'custodian', passkeys.custodian)])), 'insufficient_approvals');
  });

  it('a grant for another device, or for another seal', async () => {
    const grant = await defaultGrant(world);
    await expectRefused(world, unlockWith({ ...grant, deviceId: asId(deviceIdSchema, 'dev-2') }), 'wrong_device');
    // The client will not send a grant whose seal differs from its approvals'; a rogue tablet would.
    await expect(unlockWith({ ...grant, sealId: asId(sealIdSchema, 'seal-other') })).rejects.toMatchObject({ code: 'grant_inconsistent' });
    const { nonce } = await world.client.nonce();
    const body = unlockBody(grant, nonce, await world.passkeys.holder.assertRecord(world.client.unlockRecord(grant)));
    const reply = await sendRaw({ ...body, grant: { ...body.grant, sealId: asId(sealIdSchema, 'seal-other') } });
    expect(reply).toMatchObject({ ok: false, code: 'wrong_seal' });
    expect(reply.ok ? null : reply.body.seq).toBeTypeOf('number');
  });

  it('a window not yet open, and one already closed (by the device clock)', async () => {
    const later = { ...world.request, window: { notBefore: T0 + 5 * HOUR, notAfter: T0 + 9 * HOUR } };
    await expectRefused(world, unlockWith(await defaultGrant(world, later)), 'window_not_yet_valid');
    const grant = await defaultGrant(world);
    world.clock.advance(24 * HOUR);
    await expectRefused(world, unlockWith(grant), 'window_expired');
  });

  it('uses exhausted: replaying the same grant, or a second grant for the same request', async () => {
    const grant = await defaultGrant(world);
    await unlockWith(grant);
    await world.hardware.press(1);
    await world.hardware.press(2);
    await expectRefused(world, unlockWith(grant), 'uses_exhausted');
    const second = await grantFor(world.request, [await approve(world.request, 'approver-hq', world.passkeys.approverHq)]);
    expect(second.id).not.toBe(grant.id);
    await expectRefused(world, unlockWith(second), 'uses_exhausted');
  });

  it('outside the geofence (the device position), and without a fix', async () => {
    const grant = await defaultGrant(world);
    await world.hardware.moveTo({ lat: 31.23, lon: 121.47, accuracyM: 10 });
    await expectRefused(world, unlockWith(grant), 'outside_geofence');
    await world.hardware.moveTo(null);
    await expectRefused(world, unlockWith(grant), 'no_position');
  });

  it('a valid grant copied by another member of staff who names themselves as its holder', async () => {
    // The approvers signed who asked (decisionPayload.requesterId): only that person may stamp.
    const other = await SoftPasskey.create(ORIGIN, RP_ID);
    const v2 = await worldRoster(world.org, world.passkeys, 2, (r) => ({
      ...r,
      users: [...r.users, { id: 'holder-2', displayName: 'holder-2', roles: [{ role: 'staff', unitId: 'S1' }], credentials: [other.rosterCredential(T0 - HOUR)] }],
    }));
    await world.client.installRoster(v2);
    const grant = await defaultGrant(world);
    const copied = { ...grant, holderId: asId(userIdSchema, 'holder-2') };
    const { nonce } = await world.client.nonce();
    const reply = await sendRaw(unlockBody(copied, nonce, await other.assertRecord(world.client.unlockRecord(copied))));
    expect(reply).toMatchObject({ ok: false, code: 'approval_invalid' });
    expect(world.hardware.locked).toBe(true);
  });

  it('a holder assertion replayed (nonce already used)', async () => {
    const grant = await defaultGrant(world);
    const { nonce } = await world.client.nonce();
    const holder = await world.passkeys.holder.assertRecord(world.client.unlockRecord(grant));
    const body = unlockBody(grant, nonce, holder);
    expect((await sendRaw(body)).ok).toBe(true);
    const replay = await sendRaw(body);
    expect(replay).toMatchObject({ ok: false, code: 'nonce_reused' });
    if (!replay.ok) expect((await world.client.readLog(replay.body.seq!, 1)).entries[0]).toMatchObject({ type: 'refusal', payload: { code: 'nonce_reused' } });
  });

  it('a holder assertion for another nonce, and a nonce the device never issued', async () => {
    const grant = await defaultGrant(world);
    const { nonce: old } = await world.client.nonce();
    const holder = await world.passkeys.holder.assertRecord(world.client.unlockRecord(grant));
    const { nonce: fresh } = await world.client.nonce();
    const mixed = await sendRaw(unlockBody(grant, fresh, holder));
    expect(mixed).toMatchObject({ ok: false, code: 'holder_nonce_mismatch' });
    expect(await sendRaw(unlockBody(grant, old, holder))).toMatchObject({ ok: false, code: 'nonce_missing' });
    await world.client.nonce();
    expect(await sendRaw(unlockBody(grant, old, holder))).toMatchObject({ ok: false, code: 'nonce_unknown' });
  });

  it('a holder assertion by someone else\'s passkey, and an expired nonce', async () => {
    const grant = await defaultGrant(world);
    await expectRefused(world, world.client.unlock(grant, await holderConfirms(world, grant, world.passkeys.approver)), 'holder_mismatch');
    const assertion = await holderConfirms(world, grant);
    world.clock.advance(10 * 60_000);
    await expectRefused(world, world.client.unlock(grant, assertion), 'nonce_expired');
  });

  it('a refusal whose text carries a lone surrogate (attacker JSON) is still logged, its text made well-formed', async () => {
    const grant = await defaultGrant(world);
    const real = await holderConfirms(world, grant);
    const before = (await world.client.info()).logHead!.seq;
    await world.client.nonce();
    // The holder's real passkey id, a clientDataJSON whose type is the escape of a lone high surrogate.
    const clientDataJSON = toBase64Url(new TextEncoder().encode('{"type":"\\ud800","challenge":"AAAA","origin":"x"}'));
    const refusal = await expectRefused(world, world.client.unlock(grant, { ...real, clientDataJSON }), 'holder_assertion_invalid');
    expect(refusal.seq).toBe(before + 1);
    const [entry] = (await world.client.readLog(refusal.seq!, 1)).entries;
    const logged = entry?.type === 'refusal' ? entry.payload.message : '';
    expect(logged).toContain('\ufffd');
    expect(isWellFormedUnicode(logged)).toBe(true);
    expect(isWellFormedUnicode(refusal.message)).toBe(true);
    // Not only unlock: open_reads refuses the same passkey trick, logged the same way.
    await world.client.nonce();
    const reader = await world.passkeys.custodian.assertRecord(world.client.readRecord());
    const unread = await expectRefused(world, world.client.openReads({ ...reader, clientDataJSON }), 'reader_assertion_invalid');
    expect(unread.seq).toBe(before + 2);
  });

  it('a refusal text cut to the log and reply limits is cut on whole characters, never inside an emoji', async () => {
    const grant = await defaultGrant(world);
    const real = await holderConfirms(world, grant);
    // Emoji after an even and an odd prefix: one of the two puts the 500th and the 200th unit inside an emoji.
    for (const lead of ['', 'x']) {
      await world.client.nonce();
      const clientDataJSON = toBase64Url(new TextEncoder().encode(JSON.stringify({ type: lead + '😀'.repeat(230), challenge: 'AAAA', origin: 'x' })));
      const refusal = await expectRefused(world, world.client.unlock(grant, { ...real, clientDataJSON }), 'holder_assertion_invalid');
      const [entry] = (await world.client.readLog(refusal.seq!, 1)).entries;
      const logged = entry?.type === 'refusal' ? entry.payload.message : '';
      expect(logged.length, lead).toBeGreaterThanOrEqual(499);
      expect(logged.length, lead).toBeLessThanOrEqual(500);
      expect(isWellFormedUnicode(logged), lead).toBe(true);
      expect(logged, lead).not.toContain('\ufffd');
      expect(refusal.message.length, lead).toBeGreaterThanOrEqual(199);
      expect(isWellFormedUnicode(refusal.message), lead).toBe(true);
    }
  });

  it('an unprovisioned device answers not_provisioned (and logs nothing: it has no identity yet)', async () => {
    const blank = await createSealDevice({ storage: new MemoryStorage(), keys: new MemoryKeys(), clock: world.clock, hardware: new SimulatedHardware() });
    const client = new SealDeviceClient(new MemoryTransport(blank.gatt));
    await expect(client.nonce()).rejects.toMatchObject({ code: 'not_provisioned' });
    expect((await client.info()).deviceId).toBeNull();
  });
});
