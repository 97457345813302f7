/**
 * Refusal bursts at HQ ("refused unlocks"): a tablet recording a device's backlog asks for every
 * stamp's photo on a link with no read session, and the device logs each refusal: routine, not an
 * attack on the lock. Refused unlocks, and reads refused a right or with a passkey that does not
 * verify, still raise a burst.
 */
import { describe, expect, it } from 'vitest';
import type { DeviceEvent } from '../../domain/deviceEvent';
import type { HistoryDevice } from './anomaly';
import { DEFAULT_ANOMALY_RULES } from './anomalyRules';
import { deviceEventAnomalies } from './deviceEventAnomalies';

const device = { id: 'dev-burst', unitId: 'unit-site', state: 'bound', sealId: 'seal-burst', publicKeyJwk: {}, entries: [] } as unknown as HistoryDevice;
const T = 1_790_000_000_000;

/** Four refusals with `code`, a minute apart (the default rule: 3 within 10 minutes is a burst). */
const refusals = (code: string, from = 1) =>
  Array.from({ length: 4 }, (_, i) => ({
    event: { deviceId: device.id, seq: from + i, prevHash: '0'.repeat(64), at: T + i * 60_000, type: 'refusal', signature: 'x', payload: { code, message: code, requestId: null, grantId: null } } as unknown as DeviceEvent,
    receivedAt: undefined,
  }));

const bursts = (entries: ReturnType<typeof refusals>) =>
  deviceEventAnomalies(device, entries, { grants: new Map(), photos: new Map(), rules: DEFAULT_ANOMALY_RULES, now: T + 3_600_000 }).anomalies.filter((a) => a.kind === 'refusal_burst');

describe('refusal bursts', () => {
  it('are not raised by the photo reads a tablet makes recording a backlog', () => {
    expect(bursts(refusals('read_unauthenticated'))).toEqual([]);
  });

  it('are raised by refused unlocks and presses, by readers refused a right, and by reads whose passkey does not verify; routine read refusals among them left out', () => {
    for (const code of ['holder_assertion_invalid', 'holder_not_entitled', 'locked', 'reader_not_entitled', 'reader_assertion_invalid']) expect(bursts(refusals(code)), code).toHaveLength(1);
    const mixed = [...refusals('holder_assertion_invalid'), ...refusals('read_unauthenticated', 5)];
    const [burst] = bursts(mixed);
    expect(burst!.evidence).toHaveLength(4);
    expect(burst!.message).toContain('4 refused unlocks');
  });
});
