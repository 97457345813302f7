import { describe, expect, it } from 'vitest';
import { anomalyRulesSchema, DEFAULT_ANOMALY_RULES, isWithinWorkingHours } from './anomalyRules';

const hours = DEFAULT_ANOMALY_RULES.workingHours; // Mon–Fri 08:30–18:00, +08:00

describe('working hours, read in the organisation\'s own time zone', () => {
  it('reads a UTC instant as China time', () => {
    // Monday 2 March 2026 09:00 in Beijing is 01:00 UTC.
    expect(isWithinWorkingHours(Date.UTC(2026, 2, 2, 1, 0), hours)).toBe(true);
    // 08:29 and 18:00 Beijing: outside (start included, end excluded).
    expect(isWithinWorkingHours(Date.UTC(2026, 2, 2, 0, 29), hours)).toBe(false);
    expect(isWithinWorkingHours(Date.UTC(2026, 2, 2, 0, 30), hours)).toBe(true);
    expect(isWithinWorkingHours(Date.UTC(2026, 2, 2, 10, 0), hours)).toBe(false);
    // Friday 23:00 UTC is Saturday 07:00 in Beijing; Sunday 20:00 UTC is Monday 04:00.
    expect(isWithinWorkingHours(Date.UTC(2026, 2, 6, 23, 0), hours)).toBe(false);
    expect(isWithinWorkingHours(Date.UTC(2026, 2, 8, 20, 0), hours)).toBe(false);
    // Sunday 02:00 UTC is Sunday 10:00 in Beijing: a weekend.
    expect(isWithinWorkingHours(Date.UTC(2026, 2, 8, 2, 0), hours)).toBe(false);
  });

  it('handles an offset west of UTC and a weekend working day', () => {
    const ny = { days: [6], start: '10:00', end: '12:00', utcOffset: '-05:00' };
    // Saturday 7 March 2026 11:00 in New York (-05:00) is 16:00 UTC.
    expect(isWithinWorkingHours(Date.UTC(2026, 2, 7, 16, 0), ny)).toBe(true);
    expect(isWithinWorkingHours(Date.UTC(2026, 2, 7, 11, 0), ny)).toBe(false);
  });

  it('refuses rules that make no sense', () => {
    expect(anomalyRulesSchema.safeParse(DEFAULT_ANOMALY_RULES).success).toBe(true);
    for (const bad of [
      { ...DEFAULT_ANOMALY_RULES, workingHours: { ...hours, start: '18:00', end: '08:30' } },
      { ...DEFAULT_ANOMALY_RULES, workingHours: { ...hours, days: [0] } },
      { ...DEFAULT_ANOMALY_RULES, workingHours: { ...hours, utcOffset: '+8' } },
      { ...DEFAULT_ANOMALY_RULES, refusals: { count: 1, windowMinutes: 10 } },
      { ...DEFAULT_ANOMALY_RULES, disabledKinds: ['nonsense'] },
    ]) expect(anomalyRulesSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });
});
