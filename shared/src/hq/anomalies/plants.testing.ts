/**
 * The anomalies a generated history can plant (test-only), each written into one device's log on
 * one day in place of its honest session, and each returning the case key it expects — written
 * here from what was planted, never asked of the detector.
 */
import { hashRecordHex } from '../../encoding/canonical';
import type { AnomalyKind } from './anomalyRules';
import { HOUR, localTime, MINUTE, writeSession, type HistoryFacts, type WorldDevice } from './historyWorld.testing';

/** A root cause planted in a generated history, and the case key the detector must give it. */
export interface PlantedAnomaly {
  readonly kind: AnomalyKind;
  readonly caseKey: string;
  readonly note: string;
}

export interface PlantContext {
  readonly device: WorldDevice;
  readonly facts: HistoryFacts;
  readonly day: number;
}

type Plant = (ctx: PlantContext) => Promise<PlantedAnomaly[]>;

const morning = (ctx: PlantContext, suffix: string, uses: number) =>
  ctx.facts.approvedRequest(ctx.device, `R-${ctx.device.id}-d${ctx.day}-${suffix}`, uses, localTime(ctx.day, 9), localTime(ctx.day, 12), ctx.device.site.staff[0]!);

const planted = (kind: AnomalyKind, caseKey: string, note: string): PlantedAnomaly[] => [{ kind, caseKey, note }];

/** Every plant, by name. A plant's name says its kind (several plants share one kind). */
export const PLANTS = {
  over_use: async (ctx) => {
    const { request, grant } = await morning(ctx, 'over', 2);
    await writeSession(ctx.device, ctx.facts, grant, { stamps: 3, at: localTime(ctx.day, 9, 20) });
    return planted('over_use', `over_use:${request.id}`, '3 stamps, 2 approved');
  },
  unauthorised_null_grant: async (ctx) => {
    const { grant } = await morning(ctx, 'nullgrant', 2);
    const [, seq] = await writeSession(ctx.device, ctx.facts, grant, { stamps: 2, at: localTime(ctx.day, 9, 20), stampAs: (i) => (i === 1 ? { grantId: null, requestId: null } : {}) });
    return planted('unauthorised_stamp', `unauthorised_stamp:${ctx.device.id}:seq:${seq}`, 'second stamp names no grant');
  },
  unauthorised_unknown_grant: async (ctx) => {
    const { grant } = await morning(ctx, 'unknown', 1);
    const forged = await hashRecordHex({ forged: ctx.device.id });
    await writeSession(ctx.device, ctx.facts, grant, { stamps: 1, at: localTime(ctx.day, 9, 20), stampAs: () => ({ grantId: forged }) });
    return planted('unauthorised_stamp', `unauthorised_stamp:${ctx.device.id}:grant:${forged}`, 'stamp under a grant no one issued');
  },
  unauthorised_other_device: async (ctx) => {
    const other = ctx.facts.grants.find((g) => g.deviceId !== ctx.device.id)!;
    const { grant } = await morning(ctx, 'otherdev', 1);
    await writeSession(ctx.device, ctx.facts, grant, { stamps: 1, at: localTime(ctx.day, 9, 20), stampAs: () => ({ grantId: other.id, requestId: other.requestId }) });
    return planted('unauthorised_stamp', `unauthorised_stamp:${ctx.device.id}:grant:${other.id}`, `stamp under device ${other.deviceId}'s grant`);
  },
  unauthorised_outside_window: async (ctx) => {
    const { grant } = await morning(ctx, 'late', 2);
    await writeSession(ctx.device, ctx.facts, grant, { stamps: 2, at: localTime(ctx.day, 14) });
    return planted('unauthorised_stamp', `unauthorised_stamp:${ctx.device.id}:grant:${grant.id}`, 'two stamps at 14:00 under a 09:00–12:00 grant');
  },
  refusal_burst: async (ctx) => {
    const first = ctx.device.log.nextSeq;
    for (let i = 0; i < 4; i++) {
      await ctx.device.log.append('refusal', { code: 'holder_not_verified', message: 'passkey did not verify', requestId: null, grantId: null }, localTime(ctx.day, 12, 40 + i));
    }
    return planted('refusal_burst', `refusal_burst:${ctx.device.id}:${first}`, '4 refusals in 3 minutes');
  },
  tamper: async (ctx) => {
    const seq = ctx.device.log.nextSeq;
    await ctx.device.log.append('tamper', { detail: 'case opened' }, localTime(ctx.day, 15));
    await ctx.device.log.append('lock', { cause: 'tamper' }, localTime(ctx.day, 15) + 1000);
    return planted('tamper', `tamper:${ctx.device.id}:${seq}`, 'case opened');
  },
  geofence_breach: async (ctx) => {
    const { grant } = await morning(ctx, 'fence', 1);
    await ctx.device.log.append('unlock', { grantId: grant.id, requestId: grant.requestId, holderId: grant.holderId }, localTime(ctx.day, 10));
    const seq = ctx.device.log.nextSeq;
    await ctx.device.log.append('geofence_breach', { position: { lat: 31.2, lon: 121.5 }, geofence: { lat: 30.25, lon: 120.17, radiusM: 500 } }, localTime(ctx.day, 10, 30));
    await ctx.device.log.append('lock', { cause: 'geofence_breach' }, localTime(ctx.day, 10, 30) + 1000);
    return planted('geofence_breach', `geofence_breach:${ctx.device.id}:${seq}`, 'carried out of the fence');
  },
  forced_open: async (ctx) => {
    const { grant } = await morning(ctx, 'forced', 3);
    await writeSession(ctx.device, ctx.facts, grant, { stamps: 2, at: localTime(ctx.day, 9, 20) });
    const seq = ctx.device.log.nextSeq;
    await ctx.device.log.append('stamp', { requestId: grant.requestId, grantId: grant.id, useIndex: 3, photoSha256: await ctx.facts.photo(ctx.device.id) }, localTime(ctx.day, 10, 30));
    return planted('forced_open', `forced_open:${ctx.device.id}:${seq}`, 'a stamp after the lock, with no unlock');
  },
  log_gap: async (ctx) => {
    const { grant } = await morning(ctx, 'gap', 2);
    const from = ctx.device.log.nextSeq;
    const before = ctx.device.log.held.length;
    await writeSession(ctx.device, ctx.facts, grant, { stamps: 2, at: localTime(ctx.day, 9, 20) });
    ctx.device.log.held.splice(before);
    return planted('log_gap', `log_gap:${ctx.device.id}:${from}`, 'a whole session never reached the server');
  },
  log_fork: async (ctx) => {
    const { grant } = await morning(ctx, 'fork', 2);
    const from = ctx.device.log.nextSeq;
    await writeSession(ctx.device, ctx.facts, grant, { stamps: 2, at: localTime(ctx.day, 9, 20) });
    const written = ctx.device.log.nextSeq - from;
    ctx.device.log.rewindTo(from);
    for (let i = 0; i <= written; i++) await ctx.device.log.append('low_battery', { percent: 30 - i }, localTime(ctx.day, 13, i));
    return planted('log_fork', `log_fork:${ctx.device.id}:${from}`, `storage rolled back: ${written} entries written twice`);
  },
  log_tampered: async (ctx) => {
    const seq = ctx.device.log.nextSeq;
    await ctx.device.log.append('low_battery', { percent: 40 }, localTime(ctx.day, 12, 30));
    const held = ctx.device.log.held.at(-1)!;
    ctx.device.log.held[ctx.device.log.held.length - 1] = { ...held, event: { ...(held.event as object), payload: { percent: 90 } } };
    return planted('log_tampered', `log_tampered:${ctx.device.id}:${seq}`, 'an entry altered after signing');
  },
  clock_skew_time_set: async (ctx) => {
    const seq = ctx.device.log.nextSeq;
    const at = localTime(ctx.day, 8, 45);
    await ctx.device.log.append('time_set', { previous: at - 25 * MINUTE, source: 'gnss' }, at);
    return planted('clock_skew', `clock_skew:${ctx.device.id}:${seq}`, 'clock 25 min behind when set');
  },
  clock_skew_receipt: async (ctx) => {
    const { grant } = await morning(ctx, 'ahead', 1);
    const seq = ctx.device.log.nextSeq;
    await writeSession(ctx.device, ctx.facts, grant, { stamps: 1, at: localTime(ctx.day, 9, 20), receivedAt: (at) => at - 2 * HOUR });
    return planted('clock_skew', `clock_skew:${ctx.device.id}:${seq}`, 'entries dated 2 h after the server received them');
  },
  off_hours: async (ctx) => {
    const { grant } = await ctx.facts.approvedRequest(ctx.device, `R-${ctx.device.id}-d${ctx.day}-night`, 2, localTime(ctx.day, 20), localTime(ctx.day, 23), ctx.device.site.staff[1]!);
    const [seq] = await writeSession(ctx.device, ctx.facts, grant, { stamps: 2, at: localTime(ctx.day, 21) });
    return planted('off_hours', `off_hours:${ctx.device.id}:${seq}`, 'two stamps at 21:00');
  },
  photo_missing: async (ctx) => {
    const { grant } = await morning(ctx, 'nophoto', 2);
    const [, seq] = await writeSession(ctx.device, ctx.facts, grant, { stamps: 2, at: localTime(ctx.day, 9, 20), stampAs: (i) => (i === 1 ? { photo: 'missing' } : {}) });
    return planted('photo_missing', `photo_missing:${ctx.device.id}:${seq}`, 'photo never uploaded');
  },
  photo_mismatch: async (ctx) => {
    const { grant } = await morning(ctx, 'badphoto', 1);
    const [seq] = await writeSession(ctx.device, ctx.facts, grant, { stamps: 1, at: localTime(ctx.day, 9, 20), stampAs: () => ({ photo: 'corrupt' }) });
    return planted('photo_mismatch', `photo_mismatch:${ctx.device.id}:${seq}`, 'photo bytes do not hash to its name');
  },
} satisfies Record<string, Plant>;

export type PlantName = keyof typeof PLANTS;
export const PLANT_NAMES = Object.keys(PLANTS) as PlantName[];
