import type { UseRequest } from '../../domain/useRequest';
import { changeRowPrefix, factRowId } from '../../sync/rows';
import { ANOMALY_SEVERITY, type AnomalyRules } from './anomalyRules';
import { deviceEntryRowId, photosByStamp, type Anomaly, type AnomalyHistory, type HistoryDevice } from './anomaly';
import { deviceEventAnomalies, type CountedUse } from './deviceEventAnomalies';
import { deviceLogAnomalies, type HeldEntry } from './deviceLogAnomalies';

const DAY_MS = 86_400_000;

/** Stamps under valid grants beyond a request's approved uses: one case per request, evidence the extra stamps. */
function overUse(request: UseRequest, uses: readonly CountedUse[]): Anomaly | null {
  if (uses.length <= request.usesRequested) return null;
  const ordered = [...uses].sort((a, b) => a.at - b.at || (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : a.seq - b.seq));
  const extra = ordered.slice(request.usesRequested);
  return {
    caseKey: `over_use:${request.id}`,
    kind: 'over_use',
    severity: ANOMALY_SEVERITY.over_use,
    unitId: request.unitId,
    deviceId: null,
    sealId: request.sealId,
    requestId: request.id,
    at: extra[0]!.at,
    message: `${uses.length} stamps under request "${request.id}", ${request.usesRequested} approved`,
    evidence: [
      changeRowPrefix('request', request.id),
      ...new Set(extra.map((u) => factRowId('grant', u.grantId))),
      ...extra.map((u) => deviceEntryRowId(u.deviceId, u.seq)),
    ].sort(),
  };
}

/** A bound device whose last entry is older than the silence threshold: one case per silence (keyed by that last entry). */
function silence(device: HistoryDevice, entries: readonly HeldEntry[], rules: AnomalyRules, now: number): Anomaly | null {
  if (device.state !== 'bound' || entries.length === 0) return null;
  const last = entries.reduce((a, b) => (b.event.seq > a.event.seq ? b : a));
  const lastAt = Math.max(...entries.map((e) => e.event.at));
  if (now - lastAt <= rules.silenceDays * DAY_MS) return null;
  return {
    caseKey: `device_silent:${device.id}:${last.event.seq}`,
    kind: 'device_silent',
    severity: ANOMALY_SEVERITY.device_silent,
    unitId: device.unitId,
    deviceId: device.id,
    sealId: device.sealId,
    requestId: null,
    at: lastAt,
    message: `device "${device.id}" silent for ${Math.floor((now - lastAt) / DAY_MS)} days`,
    evidence: [deviceEntryRowId(device.id, last.event.seq)],
  };
}

/**
 * Finds the anomalies in a history, one per root cause, sorted by case key. Pure and
 * deterministic: the same history (in any order) and rules give the same anomalies, so re-running
 * detection opens no second case. See `AnomalyKind` for what each kind means and
 * `docs/adr/007-anomaly-cases.md` for the case keys.
 */
export async function detectAnomalies(history: AnomalyHistory, rules: AnomalyRules, now: number): Promise<Anomaly[]> {
  const grants = new Map(history.grants.map((g) => [g.id as string, g]));
  const photos = photosByStamp(history.photos);
  const found: Anomaly[] = [];
  const usesByRequest = new Map<string, CountedUse[]>();
  const devices = [...history.devices].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const device of devices) {
    const log = await deviceLogAnomalies(device);
    found.push(...log.anomalies);
    const events = deviceEventAnomalies(device, log.entries, { grants, photos, rules, now });
    found.push(...events.anomalies);
    for (const use of events.uses) usesByRequest.set(use.requestId, [...(usesByRequest.get(use.requestId) ?? []), use]);
    const silent = silence(device, log.entries, rules, now);
    if (silent) found.push(silent);
  }
  for (const request of history.requests) {
    const over = overUse(request, usesByRequest.get(request.id) ?? []);
    if (over) found.push(over);
  }
  const disabled = new Set(rules.disabledKinds);
  const unique = new Map(found.filter((a) => !disabled.has(a.kind)).map((a) => [a.caseKey, a]));
  return [...unique.values()].sort((a, b) => (a.caseKey < b.caseKey ? -1 : a.caseKey > b.caseKey ? 1 : 0));
}
