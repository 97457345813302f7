/**
 * The unlock path, from the holder's confirmed passkey to unlocked, grant included: the tablet
 * already holds the device nonce (fetched before the prompt) and sends ONE `unlock` command with
 * the grant evidence, two approvals (the 公章 route) and the holder's assertion, over the memory
 * transport with 20-byte frames (the BLE default), to the reference device.
 *
 * - unlock_round_trips: GATT operations that wait for a reply (the stream of command frames,
 *   written without response but the last, counts as one; each reply read counts one);
 * - unlock_bytes: frame bytes over the air, both ways (headers included);
 * - verify_ms_p50: device-side time of the unlock command (decode, every offline check — nonce,
 *   binding, terms, window, counter, geofence, holder ES256, approvals ES256 against the roster,
 *   `checkApprovals` — and appending the signed `unlock` entry), median over the runs.
 */
import { SealDeviceClient } from '@seal/device-bridge';
import { approve, createSealWorld, grantFor } from '@seal/device-bridge/testing';
import { median, writeResult } from './stats';

const RUNS = 60;
const WARMUP = 5;

export async function run(): Promise<void> {
  const world = await createSealWorld({ frameSize: 20 });
  const { request, passkeys, transport } = world;
  const client = new SealDeviceClient(transport, { sleep: () => Promise.resolve() });
  await client.info();
  const grant = await grantFor(request, [await approve(request, 'approver', passkeys.approver), await approve(request, 'approver-hq', passkeys.approverHq)]);

  const deviceMs: number[] = [];
  let roundTrips = 0;
  let bytes = 0;
  for (let i = 0; i < WARMUP + RUNS; i++) {
    await client.lock();
    await client.nonce();
    const assertion = await passkeys.holder.assertRecord(client.unlockRecord(grant));
    // ---- the holder has confirmed: from here to unlocked ----
    const before = { ...transport.stats };
    await client.unlock(grant, assertion);
    const after = transport.stats;
    if (i < WARMUP) continue;
    deviceMs.push(world.device.lastCommandMs);
    roundTrips = after.roundTrips - before.roundTrips;
    bytes = after.bytesWritten - before.bytesWritten + (after.bytesRead - before.bytesRead);
  }
  console.log(`unlock over ${transport.frameSize}-byte frames, grant with ${grant.decisions.length} approvals, ${RUNS} runs; device ms min ${Math.min(...deviceMs).toFixed(3)} max ${Math.max(...deviceMs).toFixed(3)}`);
  writeResult('device', { unlock_round_trips: roundTrips, unlock_bytes: bytes, verify_ms_p50: Number(median(deviceMs).toFixed(3)) });
}
