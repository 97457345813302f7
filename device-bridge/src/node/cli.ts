/**
 * The seal-device simulator: runs one or several reference devices in Node, each with its state
 * on disk, and lets a person drive their hardware.
 *
 *   npx tsx device-bridge/src/node/cli.ts [--devices 2] [--data .tmp/devices] [--drift-ppm 50] [--demo]
 *
 * With `--demo` it provisions the devices for a demo organisation (key in DATA/org-key.json),
 * runs a scripted unlock and two stamps on the first device, prints the log and its
 * verification, and exits. Otherwise it prepares the devices the same way and reads commands
 * (`help` lists them).
 */
import { mkdir } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { verifyDeviceLog } from '@seal/shared';
import { prepareDevice, runDemo } from './demo';
import { demoPasskeys, SITE, type DemoPasskeys } from './demoWorld';
import { loadOrCreateOrgKey, startSimulatedDevice, type SimulatedDevice } from './simulator';

const HELP = `commands (DEV is a device id, e.g. dev-1):
  devices                       list the devices
  status DEV                    lock state, session, clock, battery, position
  demo DEV                      scripted unlock with a fresh grant, then three presses
  press DEV [PAGE]              press the seal onto a page
  open DEV                      open the case (tamper)
  move DEV LAT LON [ACC]        new GNSS fix (metres of accuracy)
  battery DEV PERCENT           new battery level
  advance DEV MS                run the device's clock forward
  log DEV [FROM]                print log entries
  verify DEV                    verify the device's whole log (chain, signatures, continuity)
  quit`;

const print = (line: string) => process.stdout.write(`${line}\n`);

async function command(words: string[], devices: Map<string, SimulatedDevice>, passkeys: DemoPasskeys): Promise<boolean> {
  const [verb, id, ...rest] = words;
  if (verb === undefined || verb === '') return true;
  if (verb === 'quit' || verb === 'exit') return false;
  if (verb === 'help') return print(HELP), true;
  if (verb === 'devices') {
    for (const sim of devices.values()) {
      const info = await sim.client.info();
      print(`${sim.deviceId}  seal=${info.sealId ?? '-'}  stamps=${info.stampCount}  battery=${info.batteryPercent}%  roster=v${info.rosterVersion ?? '-'}  log=${info.logHead?.seq ?? '-'}  ${sim.dir}`);
    }
    return true;
  }
  const sim = devices.get(id ?? '');
  if (sim === undefined) return print(`no device "${id ?? ''}" (try: devices)`), true;
  const num = (i: number, fallback?: number) => Number(rest[i] ?? fallback);
  switch (verb) {
    case 'status':
      print(JSON.stringify(await sim.client.status(), (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64url') : v), 2));
      break;
    case 'demo':
      await runDemo(sim, passkeys, print);
      break;
    case 'press':
      print(JSON.stringify(await sim.hardware.press(num(0, 1))));
      break;
    case 'open':
      await sim.hardware.openCase(rest.join(' ') || 'case opened');
      break;
    case 'move':
      await sim.hardware.moveTo({ lat: num(0), lon: num(1), accuracyM: num(2, 10) });
      break;
    case 'battery':
      await sim.hardware.setBattery(num(0));
      break;
    case 'advance':
      sim.clock.advance(num(0));
      break;
    case 'log':
      for (const e of await sim.client.readLogSince(num(0, 0))) print(`#${e.seq} ${new Date(e.at).toISOString()} ${e.type} ${JSON.stringify(e.payload)}`);
      break;
    case 'verify': {
      const verified = await verifyDeviceLog(await sim.client.readLogSince(0), sim.device.publicJwk);
      print(verified.ok ? `ok: ${verified.value.entries.length} entries` : `refused: ${verified.error.problems.map((p) => `${p.kind}@${p.seq}`).join(', ')}`);
      break;
    }
    default:
      print(`unknown command "${verb}" (try: help)`);
  }
  return true;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { devices: { type: 'string', default: '1' }, data: { type: 'string', default: '.tmp/devices' }, 'drift-ppm': { type: 'string', default: '0' }, demo: { type: 'boolean', default: false } },
  });
  const count = Math.max(1, Math.min(50, Number(values.devices)));
  await mkdir(values.data, { recursive: true });
  const org = await loadOrCreateOrgKey(join(values.data, 'org-key.json'));
  const passkeys = await demoPasskeys();
  const devices = new Map<string, SimulatedDevice>();
  for (let i = 1; i <= count; i++) {
    const sim = await startSimulatedDevice(values.data, `dev-${i}`, { driftPpm: Number(values['drift-ppm']), position: SITE });
    await prepareDevice(sim, org, passkeys);
    devices.set(sim.deviceId, sim);
    print(`${sim.deviceId} ready (key ${sim.device.publicJwk.x.slice(0, 12)}…, state in ${sim.dir})`);
  }
  if (values.demo) {
    await runDemo(devices.values().next().value!, passkeys, print);
    return;
  }
  print(HELP);
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: 'seal> ' });
  rl.prompt();
  for await (const line of rl) {
    try {
      if (!(await command(line.trim().split(/\s+/), devices, passkeys))) break;
    } catch (error) {
      print(`error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    }
    rl.prompt();
  }
  rl.close();
}

await main();
