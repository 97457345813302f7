import { asId, deviceIdSchema, requestIdSchema, sha256, toHex, userIdSchema, type AssertionFields, type Grant } from '@seal/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import { SoftPasskey } from '@seal/shared/testing';
import { DEFAULT_TIMING, exchange } from '../client/exchange';
import { SealDeviceClient } from '../client/SealDeviceClient';
import { SealDeviceError } from '../client/SealDeviceError';
import type { RequestOf } from '../protocol/messages';
import { readRecord } from '../protocol/readRecord';
import { MemoryTransport } from '../transport/memoryTransport';
import { approve, createSealWorld, defaultGrant, grantFor, HOUR, ORIGIN, RP_ID, T0, worldRevocations, worldRoster, type SealWorld } from './sealWorld.testing';

/**
 * Photos of stamped pages are read only by a client with a right to them (issue 10 §5): anyone in
 * radio range may carry the signed log back, but `get_photo` needs a read session opened on the
 * link by a roster member's passkey over a fresh device nonce — an admin, custodian or auditor
 * over the seal's unit for every photo, a holder for the photos of their own stamps. Each client
 * here is a separate link to the device, as another phone's radio would be; what a photo should
 * be is judged from the signed log (its SHA-256), never from the device's answer alone.
 */

let world: SealWorld;
/** The seq of the holder's stamp made under the world's default grant. */
let stampSeq: number;

const quick = { sleep: () => Promise.resolve() };

beforeEach(async () => {
  world = await createSealWorld();
  // The roster adds an auditor at HQ, a second staff member at S1 with a request of her own, and
  // names everyone the demo world knows.
  const auditor = await SoftPasskey.create(ORIGIN, RP_ID);
  const holder2 = await SoftPasskey.create(ORIGIN, RP_ID);
  extra = { auditor, holder2 };
  const v2 = await worldRoster(world.org, world.passkeys, 2, (r) => ({
    ...r,
    users: [
      ...r.users,
      { id: 'auditor-hq', displayName: 'auditor-hq', roles: [{ role: 'auditor', unitId: 'HQ' }], credentials: [auditor.rosterCredential(T0 - HOUR)] },
      { id: 'holder-2', displayName: 'holder-2', roles: [{ role: 'staff', unitId: 'S1' }], credentials: [holder2.rosterCredential(T0 - HOUR)] },
    ],
  }));
  await world.client.installRoster(v2);
  const grant = await defaultGrant(world);
  await world.client.nonce();
  await world.client.unlock(grant, await world.passkeys.holder.assertRecord(world.client.unlockRecord(grant)));
  const pressed = await world.hardware.press(1);
  if (!pressed.stamped) throw new Error(`expected a stamp, got ${pressed.code}`);
  stampSeq = pressed.seq;
  await world.client.lock();
  // The holder's tablet walks away: its link, and what was opened on it, are gone.
  world.transport.drop();
});
let extra: { auditor: SoftPasskey; holder2: SoftPasskey };

/** Another phone in radio range: its own link to the device. */
async function newLink(): Promise<{ transport: MemoryTransport; client: SealDeviceClient }> {
  const transport = new MemoryTransport(world.device.gatt);
  const client = new SealDeviceClient(transport, quick);
  await client.info();
  return { transport, client };
}

/** Fetches a nonce and opens reads with `passkey` over the device's read record. */
async function openReadsAs(client: SealDeviceClient, passkey: SoftPasskey) {
  await client.nonce();
  return client.openReads(await passkey.assertRecord(client.readRecord()));
}

/** Expects `call` refused with `code`, logged as a refusal entry with that code (read back over `client`). */
async function expectRefusedOn(client: SealDeviceClient, call: Promise<unknown>, code: string): Promise<void> {
  const error = await call.then(
    (value) => {
      throw new Error(`expected a refusal "${code}", got ${JSON.stringify(value, (_, v: unknown) => (v instanceof Uint8Array ? `${v.length} bytes` : v))}`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SealDeviceError);
  expect((error as SealDeviceError).code, (error as Error).message).toBe(code);
  const seq = (error as SealDeviceError).seq;
  expect(seq).toBeTypeOf('number');
  expect((await client.readLog(seq!, 1)).entries[0]).toMatchObject({ type: 'refusal', payload: { code } });
}

/** The SHA-256 the signed log names for the photo of the stamp at `seq`. */
async function loggedPhotoHash(client: SealDeviceClient, seq: number): Promise<string | null> {
  const [entry] = (await client.readLog(seq, 1)).entries;
  return entry?.type === 'stamp' ? entry.payload.photoSha256 : null;
}

describe('photos of stamped pages: only to a client with a right to them', () => {
  it('a stranger with no credential gets no photo, and can still carry the log', async () => {
    const { client } = await newLink();
    await expectRefusedOn(client, client.photo(stampSeq), 'read_unauthenticated');
    // The log itself stays readable by any carrier: it names the photo by hash only.
    expect(await loggedPhotoHash(client, stampSeq)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a passkey in no roster entry cannot open reads', async () => {
    const { client } = await newLink();
    await expectRefusedOn(client, openReadsAs(client, await SoftPasskey.create(ORIGIN, RP_ID)), 'reader_unknown');
    await expectRefusedOn(client, client.photo(stampSeq), 'read_unauthenticated');
  });

  it('a revoked passkey cannot open reads', async () => {
    const { client } = await newLink();
    await expectRefusedOn(client, openReadsAs(client, world.passkeys.revoked), 'reader_revoked');
    await expectRefusedOn(client, client.photo(stampSeq), 'read_unauthenticated');
  });

  it('roster members without authority over the seal\'s unit cannot open reads (an approver there, an admin elsewhere, a custodian below)', async () => {
    const { client } = await newLink();
    // B1's approver approves, but reading logs is admin, custodian or auditor.
    await expectRefusedOn(client, openReadsAs(client, world.passkeys.approver), 'reader_not_entitled');
    await expectRefusedOn(client, openReadsAs(client, world.passkeys.outsider), 'reader_not_entitled');
    // An admin of another branch, and a custodian of the site BELOW the seal's unit: neither is over B1.
    const b2admin = await SoftPasskey.create(ORIGIN, RP_ID);
    const s1custodian = await SoftPasskey.create(ORIGIN, RP_ID);
    await world.client.installRoster(
      await worldRoster(world.org, world.passkeys, 3, (r) => ({
        ...r,
        users: [
          ...r.users,
          { id: 'admin-b2', displayName: 'admin-b2', roles: [{ role: 'admin', unitId: 'B2' }], credentials: [b2admin.rosterCredential(T0 - HOUR)] },
          { id: 'custodian-s1', displayName: 'custodian-s1', roles: [{ role: 'custodian', unitId: 'S1' }], credentials: [s1custodian.rosterCredential(T0 - HOUR)] },
        ],
      })),
    );
    await expectRefusedOn(client, openReadsAs(client, b2admin), 'reader_not_entitled');
    await expectRefusedOn(client, openReadsAs(client, s1custodian), 'reader_not_entitled');
    await expectRefusedOn(client, client.photo(stampSeq), 'read_unauthenticated');
  });

  it('a replayed open_reads (the custodian\'s frames, captured) opens nothing on the attacker\'s link', async () => {
    const custodian = await newLink();
    const { nonce } = await custodian.client.nonce();
    const body: RequestOf<'open_reads'> = { nonce, reader: await world.passkeys.custodian.assertRecord(readRecord(world.device.deviceId!, nonce)) };
    expect(await exchange(custodian.transport, 1, 'open_reads', body, { ...DEFAULT_TIMING, ...quick })).toMatchObject({ ok: true });
    custodian.transport.drop();

    const attacker = await newLink();
    const replay = await exchange(attacker.transport, 2, 'open_reads', body, { ...DEFAULT_TIMING, ...quick });
    expect(replay).toMatchObject({ ok: false, code: 'nonce_reused' });
    await expectRefusedOn(attacker.client, attacker.client.photo(stampSeq), 'read_unauthenticated');
    // With a fresh nonce outstanding, the old assertion is bound to the wrong one.
    await attacker.client.nonce();
    const stale = await exchange(attacker.transport, 3, 'open_reads', { ...body, nonce: (await attacker.client.status()).pendingNonce! }, { ...DEFAULT_TIMING, ...quick });
    expect(stale).toMatchObject({ ok: false, code: 'reader_assertion_invalid' });
    await expectRefusedOn(attacker.client, attacker.client.photo(stampSeq), 'read_unauthenticated');
  });

  it('an unlock assertion, or one for another device, does not open reads', async () => {
    const { client } = await newLink();
    const grant = await defaultGrant(world);
    await client.nonce();
    await expectRefusedOn(client, client.openReads(await world.passkeys.custodian.assertRecord(client.unlockRecord(grant))), 'reader_assertion_invalid');
    const { nonce } = await client.nonce();
    await expectRefusedOn(client, client.openReads(await world.passkeys.custodian.assertRecord(readRecord(asId(deviceIdSchema, 'dev-2'), nonce))), 'reader_assertion_invalid');
  });

  it('the custodian and an auditor over the seal\'s unit read the photo the log names', async () => {
    for (const passkey of [world.passkeys.custodian, extra.auditor]) {
      const { transport, client } = await newLink();
      const opened = await openReadsAs(client, passkey);
      expect(opened.scope).toBe(0);
      const photo = await client.photo(stampSeq);
      expect(toHex(await sha256(photo))).toBe(await loggedPhotoHash(client, stampSeq));
      transport.drop();
    }
  });

  it('someone deactivated since the roster was installed reads nothing: the revocation list names them', async () => {
    // The auditor leaves; the device's roster still holds her passkey, the newer revocation list names her.
    await world.client.installRevocations(await worldRevocations(world.org, 2, (l) => ({ ...l, users: [{ userId: asId(userIdSchema, 'auditor-hq'), since: T0 }] }), T0 + HOUR));
    const { client } = await newLink();
    await expectRefusedOn(client, openReadsAs(client, extra.auditor), 'reader_revoked');
    await expectRefusedOn(client, client.photo(stampSeq), 'read_unauthenticated');
    // Whoever the list does not name reads as before.
    const custodian = await newLink();
    expect((await openReadsAs(custodian.client, world.passkeys.custodian)).scope).toBe(0);
  });

  it('a read session ends when a revocation list installed meanwhile (by another tablet) names its reader', async () => {
    const reading = await newLink();
    expect((await openReadsAs(reading.client, world.passkeys.custodian)).scope).toBe(0);
    expect((await reading.client.photo(stampSeq)).length).toBeGreaterThan(0);
    await world.client.installRevocations(await worldRevocations(world.org, 3, (l) => ({ ...l, users: [{ userId: asId(userIdSchema, 'custodian'), since: T0 }] }), T0 + 2 * HOUR));
    await expectRefusedOn(reading.client, reading.client.photo(stampSeq), 'reader_revoked');
    await expectRefusedOn(reading.client, reading.client.photo(stampSeq), 'read_unauthenticated');
    // Named no more in the next list: the custodian opens reads again.
    await world.client.installRevocations(await worldRevocations(world.org, 4, (l) => l, T0 + 3 * HOUR));
    const again = await newLink();
    expect((await openReadsAs(again.client, world.passkeys.custodian)).scope).toBe(0);
  });

  it('a read session is judged again when a newer roster is installed meanwhile (over the same link): a role taken away or a passkey revoked ends it', async () => {
    // The auditor reads; v3 keeps her passkey but takes her role away.
    const auditor = await newLink();
    expect((await openReadsAs(auditor.client, extra.auditor)).scope).toBe(0);
    const auditorWithoutRole = { id: 'auditor-hq', displayName: 'auditor-hq', roles: [], credentials: [extra.auditor.rosterCredential(T0 - HOUR)] };
    await auditor.client.installRoster(await worldRoster(world.org, world.passkeys, 3, (r) => ({ ...r, users: [...r.users, auditorWithoutRole] })));
    await expectRefusedOn(auditor.client, auditor.client.photo(stampSeq), 'reader_not_entitled');
    await expectRefusedOn(auditor.client, auditor.client.photo(stampSeq), 'read_unauthenticated');
    auditor.transport.drop();

    // The custodian reads under v3; v4 revokes the passkey she opened the session with.
    const custodian = await newLink();
    expect((await openReadsAs(custodian.client, world.passkeys.custodian)).scope).toBe(0);
    const revokedId = world.passkeys.custodian.id;
    await custodian.client.installRoster(
      await worldRoster(world.org, world.passkeys, 4, (r) => ({
        ...r,
        users: [...r.users.map((u) => (u.id === 'custodian' ? { ...u, credentials: u.credentials.filter((c) => c.id !== revokedId) } : u)), auditorWithoutRole],
        revokedCredentials: [...r.revokedCredentials, { id: revokedId, userId: 'custodian', revokedAt: T0 }],
      })),
    );
    await expectRefusedOn(custodian.client, custodian.client.photo(stampSeq), 'reader_revoked');
    await expectRefusedOn(custodian.client, custodian.client.photo(stampSeq), 'read_unauthenticated');
  });

  it('a newer roster that changes only other people leaves a read session open', async () => {
    const reading = await newLink();
    expect((await openReadsAs(reading.client, world.passkeys.custodian)).scope).toBe(0);
    await reading.client.installRoster(await worldRoster(world.org, world.passkeys, 3, (r) => r));
    const photo = await reading.client.photo(stampSeq);
    expect(toHex(await sha256(photo))).toBe(await loggedPhotoHash(reading.client, stampSeq));
  });

  it('a holder reads the photos of their own stamps only', async () => {
    // holder-2 stamps under a request of her own.
    const request2 = { ...world.request, id: asId(requestIdSchema, 'req-h2'), requesterId: asId(userIdSchema, 'holder-2'), usesRequested: 1 };
    const grant2: Grant = await grantFor(request2, [await approve(request2, 'approver', world.passkeys.approver)]);
    const h2 = await newLink();
    await h2.client.nonce();
    await h2.client.unlock(grant2, await extra.holder2.assertRecord(h2.client.unlockRecord(grant2)));
    const pressed = await world.hardware.press(1);
    if (!pressed.stamped) throw new Error(`expected a stamp, got ${pressed.code}`);
    // Her unlock opened reads of her own stamps on her link: hers, not the first holder's.
    expect(toHex(await sha256(await h2.client.photo(pressed.seq)))).toBe(await loggedPhotoHash(h2.client, pressed.seq));
    await expectRefusedOn(h2.client, h2.client.photo(stampSeq), 'reader_not_entitled');
    h2.transport.drop();

    // The first holder, on a new link, with a passkey over a fresh nonce: his own stamp only.
    const h1 = await newLink();
    expect((await openReadsAs(h1.client, world.passkeys.holder)).scope).toBe(1);
    expect(toHex(await sha256(await h1.client.photo(stampSeq)))).toBe(await loggedPhotoHash(h1.client, stampSeq));
    await expectRefusedOn(h1.client, h1.client.photo(pressed.seq), 'reader_not_entitled');
  });

  it('a staff member who holds nothing stamped here cannot open reads', async () => {
    const { client } = await newLink();
    await expectRefusedOn(client, openReadsAs(client, extra.holder2), 'reader_not_entitled');
  });

  it('a read session ends with its link, and after its time by the device clock', async () => {
    const { transport, client } = await newLink();
    await openReadsAs(client, world.passkeys.custodian);
    expect((await client.photo(stampSeq)).length).toBeGreaterThan(0);
    transport.drop();
    await transport.reconnect();
    await expectRefusedOn(client, client.photo(stampSeq), 'read_unauthenticated');

    await openReadsAs(client, world.passkeys.custodian);
    world.clock.advance(11 * 60_000);
    await expectRefusedOn(client, client.photo(stampSeq), 'read_unauthenticated');
  });

  it('the holder\'s unlock opens reads of their stamps on that link, still there once the last use locked the device', async () => {
    const { client } = await newLink();
    const request = { ...world.request, id: asId(requestIdSchema, 'req-one'), usesRequested: 1 };
    const grant = await grantFor(request, [await approve(request, 'approver', world.passkeys.approver)]);
    await client.nonce();
    const holder: AssertionFields = await world.passkeys.holder.assertRecord(client.unlockRecord(grant));
    await client.unlock(grant, holder);
    const pressed = await world.hardware.press(3);
    if (!pressed.stamped) throw new Error(`expected a stamp, got ${pressed.code}`);
    expect((await client.status()).locked).toBe(true);
    expect(toHex(await sha256(await client.photo(pressed.seq)))).toBe(await loggedPhotoHash(client, pressed.seq));
  });

  it('the holder\'s own read session outlives a newer roster that leaves them be, and ends with one that revokes the passkey they unlocked with', async () => {
    const { client } = await newLink();
    const request = { ...world.request, id: asId(requestIdSchema, 'req-own'), usesRequested: 1 };
    const grant = await grantFor(request, [await approve(request, 'approver', world.passkeys.approver)]);
    await client.nonce();
    await client.unlock(grant, await world.passkeys.holder.assertRecord(client.unlockRecord(grant)));
    const pressed = await world.hardware.press(2);
    if (!pressed.stamped) throw new Error(`expected a stamp, got ${pressed.code}`);
    await client.installRoster(await worldRoster(world.org, world.passkeys, 3, (r) => r));
    expect(toHex(await sha256(await client.photo(pressed.seq)))).toBe(await loggedPhotoHash(client, pressed.seq));
    const revokedId = world.passkeys.holder.id;
    await client.installRoster(
      await worldRoster(world.org, world.passkeys, 4, (r) => ({
        ...r,
        users: r.users.map((u) => (u.id === 'holder' ? { ...u, credentials: u.credentials.filter((c) => c.id !== revokedId) } : u)),
        revokedCredentials: [...r.revokedCredentials, { id: revokedId, userId: 'holder', revokedAt: T0 }],
      })),
    );
    await expectRefusedOn(client, client.photo(pressed.seq), 'reader_revoked');
  });
});
