/**
 * The acceptance suite every {@link Transport} runs (test-only): a transport proves itself by
 * carrying the real protocol to the reference device. Call `runTransportTests(name, setup)` from
 * a `*.test.ts`; `setup` receives the device's GATT handlers and returns a transport wired to
 * them (in memory, through Chromium's Bluetooth emulation, …) plus a way to drop the link.
 */
import { verifyDeviceLog } from '@seal/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SealDeviceClient } from '../client/SealDeviceClient';
import { createSealWorld, defaultGrant, worldRoster, type SealWorld } from '../device/sealWorld.testing';
import { decodeReply, encodeCommand } from '../protocol/envelope';
import { FRAME_FIRST, FRAME_LAST, toFrames } from '../protocol/frames';
import { DEFAULT_FRAME_SIZE, type SealGattServer } from '../protocol/gatt';
import type { CommandName } from '../protocol/messages';
import { Reassembler } from '../protocol/Reassembler';
import type { Transport } from './Transport';

/** A transport under test, wired to a device. */
export interface TransportHarness {
  readonly transport: Transport;
  /** Drops the link from the device's side (out of range, power cut): `transport.connected` turns false. */
  dropLink(): Promise<void>;
  /** Releases everything the harness opened. */
  teardown(): Promise<void>;
}

/** Wires a transport to a device's GATT handlers. */
export type TransportSetup = (server: SealGattServer) => Promise<TransportHarness>;

/** Reads frames until a whole reply arrives (retrying empty reads a bounded number of times). */
async function readReply<C extends CommandName>(transport: Transport, name: C) {
  const reassembler = new Reassembler();
  for (let empties = 0; empties < 200; ) {
    const frame = await transport.read();
    if (frame.length === 0) {
      empties++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      continue;
    }
    const event = reassembler.push(frame);
    if (event.kind === 'message') return decodeReply(name, event.bytes);
    if (event.kind === 'error') throw new Error(`reply did not reassemble: ${event.code}`);
  }
  throw new Error('no reply');
}

export function runTransportTests(name: string, setup: TransportSetup): void {
  describe(`Transport acceptance: ${name}`, () => {
    let world: SealWorld;
    let harness: TransportHarness;
    let client: SealDeviceClient;
    beforeEach(async () => {
      world = await createSealWorld();
      harness = await setup(world.device.gatt);
      client = new SealDeviceClient(harness.transport, { sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 5))) });
    });
    afterEach(async () => {
      await harness.teardown();
    });

    it('is connected and carries frames of at least the BLE default size', () => {
      expect(harness.transport.connected).toBe(true);
      expect(harness.transport.frameSize).toBeGreaterThanOrEqual(DEFAULT_FRAME_SIZE);
    });

    it('reads an empty value when nothing is waiting', async () => {
      expect((await harness.transport.read()).length).toBe(0);
    });

    it('carries a command and its reply, counting round trips and bytes', async () => {
      const { stats } = harness.transport;
      const before = { ...stats };
      const frames = toFrames(encodeCommand('status', {}), 1, harness.transport.frameSize);
      await harness.transport.write(frames);
      const reply = await readReply(harness.transport, 'status');
      expect(reply).toMatchObject({ ok: true, body: { locked: true } });
      expect(stats.bytesWritten - before.bytesWritten).toBe(frames.reduce((n, f) => n + f.length, 0));
      expect(stats.bytesRead - before.bytesRead).toBeGreaterThan(0);
      expect(stats.roundTrips - before.roundTrips).toBeGreaterThanOrEqual(2);
    });

    it('writes a long command as one stream: one round trip for all its frames', async () => {
      const roster = await worldRoster(world.org, world.passkeys, 2);
      const frames = toFrames(encodeCommand('install_roster', { signedRoster: roster }), 2, harness.transport.frameSize);
      expect(frames.length).toBeGreaterThan(2);
      const before = harness.transport.stats.roundTrips;
      await harness.transport.write(frames);
      expect(harness.transport.stats.roundTrips - before).toBe(1);
      expect(await readReply(harness.transport, 'install_roster')).toMatchObject({ ok: true, body: { version: 2 } });
    });

    it('unlocks the reference device end to end, and the log it reads back verifies', async () => {
      await client.info();
      const grant = await defaultGrant(world);
      await client.nonce();
      const assertion = await world.passkeys.holder.assertRecord(client.unlockRecord(grant));
      expect(await client.unlock(grant, assertion)).toMatchObject({ usesLeft: 2 });
      expect(await world.hardware.press(1)).toMatchObject({ stamped: true });
      const log = await client.readLogSince(0);
      expect(log.map((e) => e.type)).toContain('stamp');
      expect((await verifyDeviceLog(log, world.device.publicJwk)).ok).toBe(true);
    });

    it('answers garbage and truncated frames with an error reply, never a crash', async () => {
      await harness.transport.write([Uint8Array.of(0x12, 0x34, 0x56)]);
      expect(await readReply(harness.transport, 'status')).toMatchObject({ ok: false, code: 'unexpected_frame' });
      const frames = toFrames(encodeCommand('install_roster', { signedRoster: world.signedRoster }), 3, DEFAULT_FRAME_SIZE);
      const cut = Uint8Array.from(frames[0]!);
      cut[0] = cut[0]! | FRAME_FIRST | FRAME_LAST; // first AND last, but short of its length
      await harness.transport.write([cut]);
      expect(await readReply(harness.transport, 'install_roster')).toMatchObject({ ok: false, code: 'truncated' });
      expect((await client.status()).locked).toBe(true);
    });

    it('drops: calls fail with "disconnected" until reconnect, then work again', async () => {
      await harness.dropLink();
      expect(harness.transport.connected).toBe(false);
      await expect(harness.transport.read()).rejects.toMatchObject({ code: 'disconnected' });
      await harness.transport.reconnect();
      expect(harness.transport.connected).toBe(true);
      expect((await client.status()).locked).toBe(true);
    });

    it('closes', async () => {
      await harness.transport.close();
      expect(harness.transport.connected).toBe(false);
    });
  });
}
