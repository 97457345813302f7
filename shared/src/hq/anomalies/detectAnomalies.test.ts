import { describe, expect, it } from 'vitest';
import { generateHistory, type GeneratedHistory } from '../../testing';
import { ANOMALY_KINDS } from './anomalyRules';
import { detectAnomalies } from './detectAnomalies';

/** A table of what was planted and what was found, for the failure message. */
function table(planted: readonly { caseKey: string }[], found: readonly { caseKey: string; message: string }[]): string {
  const plantedKeys = new Set(planted.map((p) => p.caseKey));
  const foundKeys = new Set(found.map((f) => f.caseKey));
  const rows = [...new Set([...plantedKeys, ...foundKeys])].sort().map((key) => {
    const mark = plantedKeys.has(key) && foundKeys.has(key) ? 'ok     ' : plantedKeys.has(key) ? 'MISSED ' : 'EXTRA  ';
    return `${mark} ${key} ${found.find((f) => f.caseKey === key)?.message ?? ''}`;
  });
  return ['planted/found:', ...rows].join('\n');
}

describe('detectAnomalies over a generated history', () => {
  let generated: GeneratedHistory;

  it('finds every planted anomaly and flags nothing else', async () => {
    generated = await generateHistory();
    const { history, rules, now, planted } = generated;
    // The history is what the issue asks for: several branches and sites, dozens of devices and people, weeks.
    expect(new Set(history.devices.map((d) => d.unitId)).size).toBeGreaterThanOrEqual(6);
    expect(history.devices.length).toBeGreaterThanOrEqual(24);
    expect(generated.people).toBeGreaterThanOrEqual(24);
    expect(history.requests.length).toBeGreaterThan(400);
    // Every kind is planted at least once.
    expect(new Set(planted.map((p) => p.kind))).toEqual(new Set(ANOMALY_KINDS));

    const found = await detectAnomalies(history, rules, now);
    const plantedKeys = planted.map((p) => p.caseKey).sort();
    const foundKeys = found.map((f) => f.caseKey);
    const missed = plantedKeys.filter((k) => !foundKeys.includes(k));
    const extra = foundKeys.filter((k) => !plantedKeys.includes(k));
    expect({ missed: missed.length, extra: extra.length }, table(planted, found)).toEqual({ missed: 0, extra: 0 });
    expect(found).toHaveLength(planted.length);
    for (const anomaly of found) {
      expect(anomaly.kind).toBe(planted.find((p) => p.caseKey === anomaly.caseKey)!.kind);
      expect(anomaly.evidence.length).toBeGreaterThan(0);
    }
  }, 120_000);

  it('gives the same cases when run again and when its input arrives in another order', async () => {
    const { history, rules, now } = generated;
    const first = await detectAnomalies(history, rules, now);
    const reversed = {
      ...history,
      devices: [...history.devices].reverse().map((d) => ({ ...d, entries: [...d.entries].reverse() })),
      requests: [...history.requests].reverse(),
      grants: [...history.grants].reverse(),
      photos: [...history.photos].reverse(),
    };
    const again = await detectAnomalies(reversed, rules, now);
    expect(again).toEqual(first);
    // A duplicate delivery of every entry changes nothing.
    const doubled = { ...history, devices: history.devices.map((d) => ({ ...d, entries: [...d.entries, ...d.entries] })) };
    expect((await detectAnomalies(doubled, rules, now)).map((a) => a.caseKey)).toEqual(first.map((a) => a.caseKey));
  }, 120_000);

  it("takes a stamp's photo as held only when it is held for the stamping device, never by its hash alone", async () => {
    const { history, rules, now } = generated;
    const device = history.devices[0]!.id;
    const other = history.devices[1]!.id;
    expect(history.photos.some((p) => p.deviceId === device)).toBe(true);
    const heldElsewhere = { ...history, photos: history.photos.map((p) => (p.deviceId === device ? { ...p, deviceId: other } : p)) };
    const before = await detectAnomalies(history, rules, now);
    const after = await detectAnomalies(heldElsewhere, rules, now);
    const opened = after.filter((a) => !before.some((b) => b.caseKey === a.caseKey));
    expect(opened.length).toBeGreaterThan(0);
    expect(opened.every((a) => a.kind === 'photo_missing' && a.deviceId === device)).toBe(true);
    // The other device's own stamps are judged as before: holding more hashes opens nothing for them.
    expect(after.filter((a) => a.deviceId !== device)).toEqual(before.filter((a) => a.deviceId !== device));
  }, 120_000);

  it('honours the thresholds: a disabled kind is not raised, a longer silence threshold keeps a device quiet', async () => {
    const { history, rules, now } = generated;
    const found = await detectAnomalies(history, { ...rules, disabledKinds: ['off_hours'], silenceDays: 60 }, now);
    expect(found.some((a) => a.kind === 'off_hours')).toBe(false);
    expect(found.some((a) => a.kind === 'device_silent')).toBe(false);
    expect(found.length).toBe(generated.planted.length - 2);
    // Working hours stretched to the evening: the 21:00 session is no longer off hours.
    const evening = await detectAnomalies(history, { ...rules, workingHours: { ...rules.workingHours, end: '22:00' } }, now);
    expect(evening.some((a) => a.kind === 'off_hours')).toBe(false);
  }, 120_000);
});
