/**
 * The double-stamp attack (issue 10 §2) and its variants, driven as the attacker would: a holder
 * with a tablet's radio and the device in hand, presenting grants over frames and pressing the
 * seal (test-only). Run once per storage a device can keep its flash in (memory, files,
 * IndexedDB), because a reboot between the two stamps must not forget the counter either.
 *
 * What is asserted comes from outside the device: the approved uses of each request (set here)
 * against the stamps its signed log shows.
 */
import { asId, requestIdSchema, type Grant, type UseRequest } from '@seal/shared';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceSettings } from './DeviceCore';
import type { KeyPort } from './ports';
import { expectRefused } from './refusalExpect.testing';
import type { StorageHarness } from './storageSuite.testing';
import { approve, createSealWorld, grantFor, holderConfirms, HOUR, rebootWorld, T0, type SealWorld } from './sealWorld.testing';

/** A device's flash and key, and a way to open the flash again as after a power cut. */
export interface DeviceFlashHarness extends StorageHarness {
  readonly keys?: KeyPort;
}

const MINUTE = 60_000;

/** A request of the world's holder on the world's seal: `uses` approved uses over `window`. */
const requestOf = (world: SealWorld, id: string, uses: number, window: { notBefore: number; notAfter: number }): UseRequest => ({
  ...world.request,
  id: asId(requestIdSchema, id),
  usesRequested: uses,
  window,
});
/** A grant for `request`, approved by B1's approver; with `window`, a forged one whose window departs from the approval. */
const grantWithin = async (world: SealWorld, request: UseRequest, window?: { notBefore: number; notAfter: number }): Promise<Grant> =>
  grantFor(request, [await approve(request, 'approver', world.passkeys.approver)], (g) => (window === undefined ? g : { ...g, window }));

const unlockWith = async (world: SealWorld, grant: Grant) => world.client.unlock(grant, await holderConfirms(world, grant));
/** Unlocks with `grant` and presses once; returns the press outcome. */
const stampOnce = async (world: SealWorld, grant: Grant) => {
  await unlockWith(world, grant);
  return world.hardware.press(1);
};
/** The stamps the device's signed log shows under `requestId`. */
const stampsUnder = async (world: SealWorld, requestId: string) =>
  (await world.client.readLogSince(0)).filter((e) => e.type === 'stamp' && e.payload.requestId === requestId);

export function runDoubleStampTests(name: string, setup: () => Promise<DeviceFlashHarness>): void {
  describe(`one approved use stamps once, whatever grants are shown (${name})`, () => {
    let harness: DeviceFlashHarness | undefined;
    afterEach(async () => {
      await harness?.teardown();
      harness = undefined;
    });

    const start = async (settings?: Partial<DeviceSettings>): Promise<SealWorld> => {
      harness = await setup();
      return createSealWorld({ storage: harness.storage, ...(harness.keys === undefined ? {} : { keys: harness.keys }), ...(settings === undefined ? {} : { settings }) });
    };
    /** Power cycle: the flash closed and opened again, a new device on it. */
    const reboot = async (world: SealWorld, settings?: Partial<DeviceSettings>): Promise<SealWorld> => rebootWorld(world, await harness!.reopen(), settings);

    it('a short grant is refused outright; the approved grant stamps once, and a second grant for the same request after other stamps and a reboot is refused', async () => {
      let world = await start();
      const once = requestOf(world, 'req-once', 1, { notBefore: T0, notAfter: T0 + 24 * HOUR });
      // Issuing never makes a grant narrower than the approval: one that is (a minute's window, to
      // stamp and come back with another) is refused before anything is counted.
      await expectRefused(world, unlockWith(world, await grantWithin(world, once, { notBefore: T0, notAfter: T0 + HOUR + 5 * MINUTE })), 'grant_mismatch');
      const first = await grantWithin(world, once);
      expect(await stampOnce(world, first)).toMatchObject({ stamped: true, useIndex: 1 });

      // Time passes; another request is stamped; the device loses power.
      world.clock.advance(HOUR);
      const other = requestOf(world, 'req-other', 1, { notBefore: T0, notAfter: T0 + 24 * HOUR });
      expect(await stampOnce(world, await grantWithin(world, other))).toMatchObject({ stamped: true });
      world = await reboot(world);

      const again = await grantWithin(world, once);
      expect(again.id).not.toBe(first.id);
      await expectRefused(world, unlockWith(world, again), 'uses_exhausted');
      await expectRefused(world, unlockWith(world, first), 'uses_exhausted');
      expect(await world.hardware.press(2)).toMatchObject({ stamped: false, code: 'locked' });
      expect((await stampsUnder(world, once.id)).map((e) => e.type === 'stamp' && e.payload.useIndex)).toEqual([1]);
    });

    it('two grants for one request, used one after the other hours apart, a reboot between the stamps', async () => {
      let world = await start();
      const twice = requestOf(world, 'req-twice', 2, { notBefore: T0, notAfter: T0 + 24 * HOUR });
      const morning = await grantWithin(world, twice);
      const evening = await grantWithin(world, twice);
      expect(await stampOnce(world, morning)).toMatchObject({ stamped: true, useIndex: 1 });
      expect(await world.hardware.press(2)).toMatchObject({ stamped: true, useIndex: 2 });
      world = await reboot(world);
      world.clock.advance(10 * HOUR);
      expect(await stampOnce(world, await grantWithin(world, requestOf(world, 'req-noon', 1, { notBefore: T0, notAfter: T0 + 24 * HOUR })))).toMatchObject({ stamped: true });
      world = await reboot(world);
      await expectRefused(world, unlockWith(world, evening), 'uses_exhausted');
      expect(await stampsUnder(world, twice.id)).toHaveLength(2);
    });

    it('the request edited and approved again with a later window: its counter still holds', async () => {
      let world = await start();
      const first = requestOf(world, 'req-edited', 1, { notBefore: T0, notAfter: T0 + 2 * HOUR });
      expect(await stampOnce(world, await grantWithin(world, first))).toMatchObject({ stamped: true });
      world.clock.advance(3 * HOUR);
      expect(await stampOnce(world, await grantWithin(world, requestOf(world, 'req-between', 1, { notBefore: T0, notAfter: T0 + 24 * HOUR })))).toMatchObject({ stamped: true });
      world = await reboot(world);
      const extended = { ...first, window: { notBefore: T0, notAfter: T0 + 48 * HOUR } };
      await expectRefused(world, unlockWith(world, await grantWithin(world, extended)), 'uses_exhausted');
      expect(await stampsUnder(world, first.id)).toHaveLength(1);
    });

    it('a grant whose window is not the approved window (later, earlier, or inside it) is refused, however the counter stands', async () => {
      const world = await start();
      const approved = requestOf(world, 'req-window', 1, { notBefore: T0, notAfter: T0 + 2 * HOUR });
      expect(await stampOnce(world, await grantWithin(world, approved))).toMatchObject({ stamped: true });
      world.clock.advance(HOUR);
      await expectRefused(world, unlockWith(world, await grantWithin(world, approved, { notBefore: T0 + HOUR, notAfter: T0 + 2 * HOUR })), 'grant_mismatch');
      await expectRefused(world, unlockWith(world, await grantWithin(world, approved, { notBefore: T0 + 2 * HOUR, notAfter: T0 + 30 * HOUR })), 'grant_mismatch');
      await expectRefused(world, unlockWith(world, await grantWithin(world, approved, { notBefore: T0 - HOUR, notAfter: T0 + 2 * HOUR })), 'grant_mismatch');
      expect(await stampsUnder(world, approved.id)).toHaveLength(1);
    });

    it('a full counter table refuses rather than forgets, and the watermark survives a reboot', async () => {
      const settings = { maxRequestCounters: 2 };
      let world = await start(settings);
      const ending = (id: string, hours: number) => requestOf(world, id, 1, { notBefore: T0, notAfter: T0 + hours * HOUR });
      const [r10, r20, r30] = [ending('req-10h', 10), ending('req-20h', 20), ending('req-30h', 30)];
      for (const request of [r20, r10, r30]) expect(await stampOnce(world, await grantWithin(world, request))).toMatchObject({ stamped: true, useIndex: 1 });
      world = await reboot(world, settings);

      // req-10h ended first: its counter went; any grant for it is refused, not counted afresh.
      await expectRefused(world, unlockWith(world, await grantWithin(world, r10)), 'below_watermark');
      // A request never seen whose approved window ends as early is refused too (it may be one forgotten).
      await expectRefused(world, unlockWith(world, await grantWithin(world, ending('req-5h', 5))), 'below_watermark');
      // Those still held keep counting.
      await expectRefused(world, unlockWith(world, await grantWithin(world, r20)), 'uses_exhausted');
      await expectRefused(world, unlockWith(world, await grantWithin(world, r30)), 'uses_exhausted');
      // A new request ending later than the watermark is served.
      expect(await stampOnce(world, await grantWithin(world, ending('req-40h', 40)))).toMatchObject({ stamped: true, useIndex: 1 });
      for (const request of [r10, r20, r30]) expect(await stampsUnder(world, request.id)).toHaveLength(1);
    });

    it('a request whose window is still open is evicted only by refusing it from then on', async () => {
      const settings = { maxRequestCounters: 1 };
      let world = await start(settings);
      const open = requestOf(world, 'req-open', 2, { notBefore: T0, notAfter: T0 + 20 * HOUR });
      expect(await stampOnce(world, await grantWithin(world, open))).toMatchObject({ stamped: true, useIndex: 1 });
      expect(await stampOnce(world, await grantWithin(world, requestOf(world, 'req-later', 1, { notBefore: T0, notAfter: T0 + 22 * HOUR })))).toMatchObject({ stamped: true });
      world = await reboot(world, settings);
      await expectRefused(world, unlockWith(world, await grantWithin(world, open)), 'below_watermark');
      expect(await stampsUnder(world, open.id)).toHaveLength(1);
    });
  });
}
