/**
 * The simulator's demo on a device: a seal per device, provisioning for the demo organisation
 * (`demoWorld.ts`), and a scripted unlock. Dev tooling, never part of the app.
 */
import { asId, grantBody, grantIdSchema, contentId, requestIdSchema, sealIdSchema, unitIdSchema, userIdSchema, verifyDeviceLog, type Grant, type OrgKeyPair, type PhysicalSeal, type UseRequest } from '@seal/shared';
import { signSealBinding, signTimeRecord } from '../protocol/orgRecords';
import { approveAs, demoRoster, FENCE, type DemoPasskeys } from './demoWorld';
import type { SimulatedDevice } from './simulator';

const sealOf = (sim: SimulatedDevice): PhysicalSeal => ({
  id: asId(sealIdSchema, `seal-contract-${sim.deviceId}`),
  name: `合同专用章 ${sim.deviceId}`,
  kind: 'contract',
  form: 'physical',
  unitId: asId(unitIdSchema, 'B1'),
  custodianId: asId(userIdSchema, 'custodian'),
  status: 'active',
  createdAt: 0,
  antiCounterfeitCode: '3301020012345',
  deviceId: sim.deviceId,
});

/** Provisions (first run), binds, sets the time and installs a fresh roster of the demo passkeys. */
export async function prepareDevice(sim: SimulatedDevice, org: OrgKeyPair, passkeys: DemoPasskeys): Promise<void> {
  const { client } = sim;
  await client.provision(sim.deviceId, org.publicJwk);
  const seal = sealOf(sim);
  const binding = { deviceId: sim.deviceId, version: 1, sealId: seal.id, route: { sealKind: seal.kind, minApprovals: 1 }, custodianId: seal.custodianId, sealUnitPath: [seal.unitId, asId(unitIdSchema, 'HQ')], issuedAt: Date.now() };
  const info = await client.info();
  if (info.sealId === null) await client.bindSeal(await signSealBinding(org.privateKey, binding));
  // A slow clock is put right (forward only); one a little ahead is left alone.
  if (Date.now() - info.clock > 2_000) await client.setTime(await signTimeRecord(org.privateKey, sim.deviceId, Date.now()));
  // Passkeys are new each run, so each run's roster must be newer: version = seconds now.
  await client.installRoster(await demoRoster(org, passkeys, Math.floor(Date.now() / 1000), Date.now()));
  await client.info();
}

/** A fresh request and grant for the device's seal: 2 uses, now − 1 h … now + 24 h, the demo fence. */
async function demoGrant(sim: SimulatedDevice, passkeys: DemoPasskeys): Promise<Grant> {
  const now = Date.now();
  const seal = sealOf(sim);
  const request: UseRequest = {
    id: asId(requestIdSchema, `req-${now}`),
    requesterId: asId(userIdSchema, 'holder'),
    unitId: asId(unitIdSchema, 'S1'),
    sealId: seal.id,
    document: { title: '演示合同', sha256: 'cd'.repeat(32), pages: 3 },
    copies: 2,
    purpose: 'simulator demo',
    usesRequested: 2,
    window: { notBefore: now - 3_600_000, notAfter: now + 86_400_000 },
    place: { unitId: asId(unitIdSchema, 'S1'), geofence: FENCE },
    createdAt: now,
  };
  const body = grantBody(request, seal, [await approveAs(request, 'approver', passkeys.approver, now)]);
  if (!body.ok) throw new Error(body.error.message);
  return { ...body.value, id: asId(grantIdSchema, await contentId(body.value)) };
}

/** The scripted run: unlock, two stamps, a refused press; prints the log and its verification. */
export async function runDemo(sim: SimulatedDevice, passkeys: DemoPasskeys, print: (line: string) => void): Promise<void> {
  const { client, hardware } = sim;
  const grant = await demoGrant(sim, passkeys);
  const from = ((await client.info()).logHead?.seq ?? -1) + 1;
  await client.nonce();
  const assertion = await passkeys.holder.assertRecord(client.unlockRecord(grant));
  const before = { ...sim.transport.stats };
  const unlocked = await client.unlock(grant, assertion);
  const stats = sim.transport.stats;
  print(`unlocked ${sim.deviceId}: ${unlocked.usesLeft} uses, ${stats.roundTrips - before.roundTrips} round trips, ${stats.bytesWritten - before.bytesWritten + stats.bytesRead - before.bytesRead} bytes, device ${sim.device.lastCommandMs.toFixed(2)} ms`);
  for (const page of [1, 2, 3]) print(`press page ${page}: ${JSON.stringify(await hardware.press(page))}`);
  const log = await client.readLogSince(0);
  for (const e of log.filter((x) => x.seq >= from)) print(`  #${e.seq} ${new Date(e.at).toISOString()} ${e.type} ${JSON.stringify(e.payload)}`);
  const verified = await verifyDeviceLog(log, sim.device.publicJwk);
  print(verified.ok ? `log verified: ${log.length} entries, head ${verified.value.head?.hash.slice(0, 16)}…` : `LOG REFUSED: ${verified.error.message}`);
}
