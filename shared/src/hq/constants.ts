/**
 * Headquarters' days are China Standard Time days: UTC+08:00 all year (China keeps no daylight
 * saving), so a day is a fixed offset from UTC and the same on every server and browser.
 */
export const HQ_DAY_OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;

/** The HQ day (`YYYY-MM-DD`, China Standard Time) of an instant. */
export function hqDayOf(at: number): string {
  return new Date(at + HQ_DAY_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant an HQ day (`YYYY-MM-DD`) starts. */
export function hqDayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) - HQ_DAY_OFFSET_MS;
}

/**
 * Stamps one ink box lasts. Self-inking seal devices of the reference kind take a sealed ink
 * cartridge rated for about 5,000 impressions (the common rating of replaceable-pad seal machines);
 * the fleet view shows each device's count against it so a custodian replaces the box before
 * prints go faint. A constant, not a setting, until a device reports its own cartridge.
 */
export const INK_BOX_LIFE_STAMPS = 5_000;
