import { z } from 'zod';

/** `HH:MM`, 00:00–24:00. */
const clockTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, { message: 'expected a time of day as HH:MM (00:00–24:00)' });
/** An offset from UTC as `+HH:MM` / `-HH:MM` (China: `+08:00`). */
const utcOffsetSchema = z.string().regex(/^[+-](0\d|1[0-4]):[0-5]\d$/, { message: 'expected a UTC offset as +HH:MM or -HH:MM' });

/** The kinds of anomaly the detector finds (see `detectAnomalies`). */
export const anomalyKindSchema = z.enum([
  'over_use',
  'unauthorised_stamp',
  'refusal_burst',
  'tamper',
  'forced_open',
  'geofence_breach',
  'log_gap',
  'log_fork',
  'log_tampered',
  'device_silent',
  'clock_skew',
  'off_hours',
  'photo_missing',
  'photo_mismatch',
]);
export type AnomalyKind = z.infer<typeof anomalyKindSchema>;
export const ANOMALY_KINDS: readonly AnomalyKind[] = anomalyKindSchema.options;

export const anomalySeveritySchema = z.enum(['info', 'warning', 'critical']);
export type AnomalySeverity = z.infer<typeof anomalySeveritySchema>;

/** The severity each kind is raised with. */
export const ANOMALY_SEVERITY: Readonly<Record<AnomalyKind, AnomalySeverity>> = {
  over_use: 'critical',
  unauthorised_stamp: 'critical',
  refusal_burst: 'warning',
  tamper: 'critical',
  forced_open: 'critical',
  geofence_breach: 'critical',
  log_gap: 'critical',
  log_fork: 'critical',
  log_tampered: 'critical',
  device_silent: 'warning',
  clock_skew: 'warning',
  off_hours: 'warning',
  photo_missing: 'warning',
  photo_mismatch: 'critical',
};

/**
 * The detection rules, as data an administrator edits (`PUT /api/hq/anomaly-rules`): thresholds,
 * the organisation's working hours in its own time zone, and kinds switched off.
 */
export const anomalyRulesSchema = z.strictObject({
  workingHours: z.strictObject({
    /** ISO days of the week (1 = Monday … 7 = Sunday). */
    days: z.array(z.int().min(1).max(7)).max(7),
    start: clockTimeSchema,
    end: clockTimeSchema,
    utcOffset: utcOffsetSchema,
  }).refine((w) => w.start < w.end, { message: 'expected start earlier than end', path: ['end'] }),
  /** A bound device with no log entry for longer than this is silent. */
  silenceDays: z.int().min(1).max(365),
  /** How far a device clock may be off (time_set evidence, or ahead of its receipt) before it is an anomaly. */
  clockSkewToleranceMinutes: z.int().min(1).max(24 * 60),
  /** `count` refused unlocks on one device, each within `windowMinutes` of the one before, are one burst. */
  refusals: z.strictObject({ count: z.int().min(2).max(100), windowMinutes: z.int().min(1).max(24 * 60) }),
  /** A stamp's photo may arrive this long after the stamp before it is missing. */
  photoGraceHours: z.int().min(0).max(24 * 90),
  /** Kinds not raised at all. */
  disabledKinds: z.array(anomalyKindSchema).max(ANOMALY_KINDS.length),
});
export type AnomalyRules = z.infer<typeof anomalyRulesSchema>;

/** What a new organisation starts with: Monday–Friday 08:30–18:00 China time, a week of silence, 5 minutes of skew. */
export const DEFAULT_ANOMALY_RULES: AnomalyRules = {
  workingHours: { days: [1, 2, 3, 4, 5], start: '08:30', end: '18:00', utcOffset: '+08:00' },
  silenceDays: 7,
  clockSkewToleranceMinutes: 5,
  refusals: { count: 3, windowMinutes: 10 },
  photoGraceHours: 72,
  disabledKinds: [],
};

const DAY_MS = 86_400_000;
const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The offset in milliseconds of `+HH:MM` / `-HH:MM`. */
export function utcOffsetMs(offset: string): number {
  const sign = offset.startsWith('-') ? -1 : 1;
  return sign * minutesOf(offset.slice(1)) * 60_000;
}

/** Whether `at` (UTC millis) falls inside the organisation's working hours, read in its own time zone. */
export function isWithinWorkingHours(at: number, hours: AnomalyRules['workingHours']): boolean {
  const local = at + utcOffsetMs(hours.utcOffset);
  const dayNumber = Math.floor(local / DAY_MS);
  // 1970-01-01 was a Thursday (ISO 4).
  const isoDay = ((((dayNumber + 3) % 7) + 7) % 7) + 1;
  if (!hours.days.includes(isoDay)) return false;
  const minute = Math.floor((local - dayNumber * DAY_MS) / 60_000);
  return minute >= minutesOf(hours.start) && minute < minutesOf(hours.end);
}
