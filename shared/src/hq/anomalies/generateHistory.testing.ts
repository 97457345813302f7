/**
 * A generated HQ history (test-only): branches, sites, dozens of devices and people, weeks of
 * honest use signed by real device keys, and planted anomalies — with the list of what was
 * planted, written by the generator from what it did (see `plants.testing.ts`), so a test can
 * count both what the detector finds and what it should have found.
 */
import { DEFAULT_ANOMALY_RULES, type AnomalyRules } from './anomalyRules';
import type { AnomalyHistory, HistoryDevice } from './anomaly';
import { buildWorld, DAY, Dice, HistoryFacts, localTime, MINUTE, workingDays, writeSession, type WorldDevice } from './historyWorld.testing';
import { PLANT_NAMES, PLANTS, type PlantedAnomaly, type PlantName } from './plants.testing';

export interface GenerateHistoryOptions {
  readonly seed?: number;
  readonly branches?: number;
  readonly sitesPerBranch?: number;
  readonly devicesPerSite?: number;
  readonly weeks?: number;
  /** The unit id of each site, in order (see `WorldShape`). */
  readonly siteUnits?: readonly string[];
  /** What to plant (each on its own device); default every plant. `device_silent` is planted by stopping a device after day 2. */
  readonly plants?: readonly (PlantName | 'device_silent')[];
}

export interface GeneratedHistory {
  readonly history: AnomalyHistory;
  readonly rules: AnomalyRules;
  /** The day after the last generated day, 00:00 China time. */
  readonly now: number;
  readonly planted: readonly PlantedAnomaly[];
  readonly people: number;
  /** The bytes held under each photo's name (for storing the history in a real store). */
  readonly photoBytes: ReadonlyMap<string, Uint8Array>;
}

/** The day most plants happen on: Tuesday of the second week. */
const PLANT_DAY = 8;
const SILENT_AFTER_DAY = 2;

async function setUp(device: WorldDevice): Promise<void> {
  const at = localTime(0, 8);
  await device.log.append('boot', { firmware: 'seal-fw 2.4.1' }, at);
  await device.log.append('time_set', { previous: at - 20_000, source: 'app' }, at + 1000);
  await device.log.append('roster_installed', { rosterVersion: 1, rosterSha256: 'ab'.repeat(32) }, at + 2000);
  await device.log.append('seal_bound', { sealId: device.seal.id }, at + 3000);
}

/** A day of honest use: a weekly clock check, a request stamped in its window, now and then a low battery or one refused unlock. */
async function honestDay(device: WorldDevice, facts: HistoryFacts, day: number, dice: Dice, extras: boolean): Promise<void> {
  if (day % 7 === 0) await device.log.append('time_set', { previous: localTime(day, 8, 40) - dice.int(0, 90_000), source: 'app' }, localTime(day, 8, 40));
  const afternoon = dice.chance(40);
  const from = afternoon ? localTime(day, 13) : localTime(day, 9);
  const uses = dice.int(1, 3);
  const holder = device.site.staff[dice.int(0, device.site.staff.length - 1)]!;
  const { grant } = await facts.approvedRequest(device, `R-${device.id}-d${day}`, uses, from, from + (afternoon ? 4 : 3) * 60 * MINUTE, holder);
  await writeSession(device, facts, grant, { stamps: dice.int(1, uses), at: from + dice.int(10, 60) * MINUTE });
  if (!extras) return;
  if (dice.chance(10)) await device.log.append('low_battery', { percent: dice.int(5, 20) }, localTime(day, 17, 30));
  if (dice.chance(8)) await device.log.append('refusal', { code: 'window_closed', message: 'outside the grant window', requestId: null, grantId: null }, localTime(day, 17, 40));
}

/** Generates a history; the defaults give 4 branches × 2 sites × 3 devices (24 devices, 34 people) over 4 weeks with every plant. */
export async function generateHistory(options: GenerateHistoryOptions = {}): Promise<GeneratedHistory> {
  const weeks = options.weeks ?? 4;
  const dice = new Dice(options.seed ?? 20260302);
  const { devices, people } = await buildWorld({ branches: options.branches ?? 4, sitesPerBranch: options.sitesPerBranch ?? 2, devicesPerSite: options.devicesPerSite ?? 3, ...(options.siteUnits ? { siteUnits: options.siteUnits } : {}) });
  const wanted = options.plants ?? [...PLANT_NAMES, 'device_silent'];
  // Plants go to devices from the second on (the first device's grants are the "other device" ones).
  if (wanted.length > devices.length - 1) throw new RangeError(`${wanted.length} plants need ${wanted.length + 1} devices, got ${devices.length}`);
  const plantOf = new Map(wanted.map((name, i) => [devices[i + 1]!.id as string, name]));
  const facts = new HistoryFacts();
  const planted: PlantedAnomaly[] = [];
  for (const device of devices) await setUp(device);
  for (const day of workingDays(weeks)) {
    for (const device of devices) {
      const plant = plantOf.get(device.id);
      if (plant === 'device_silent' && day > SILENT_AFTER_DAY) continue;
      if (plant !== undefined && plant !== 'device_silent' && day === PLANT_DAY) {
        planted.push(...(await PLANTS[plant]({ device, facts, day })));
      } else {
        await honestDay(device, facts, day, dice, plant === undefined);
      }
    }
  }
  for (const device of devices) {
    if (plantOf.get(device.id) === 'device_silent') {
      const last = Math.max(...device.log.held.map((e) => (e.event as { seq: number }).seq));
      planted.push({ kind: 'device_silent', caseKey: `device_silent:${device.id}:${last}`, note: `silent after day ${SILENT_AFTER_DAY}` });
    }
  }
  const historyDevices: HistoryDevice[] = devices.map((d) => ({ id: d.id, unitId: d.site.unitId, state: 'bound', sealId: d.seal.id, publicKeyJwk: d.key.publicJwk, entries: d.log.held }));
  return {
    history: {
      devices: historyDevices,
      seals: devices.map((d) => ({ id: d.seal.id, unitId: d.seal.unitId, deviceId: d.id })),
      requests: facts.requests, decisions: facts.decisions, grants: facts.grants, photos: facts.photos,
    },
    rules: DEFAULT_ANOMALY_RULES,
    now: localTime(weeks * 7, 0) + DAY,
    planted,
    people: people.length,
    photoBytes: facts.photoBytes,
  };
}
