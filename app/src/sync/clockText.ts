import { formatDateTime } from '../i18n/format';
import type { Translate } from '../i18n/I18nProvider';
import type { Locale } from '../i18n/locale';
import { CLOCK_SHOWN_FROM_MS, type ClockCorrection } from '../store/serverClock';
import type { RefusedRowView } from '../store/syncStatus';

/** How far off, in minutes (and hours): "12 min", "3 h 0 min". */
export function clockAmount(t: Translate, ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  if (minutes < 60) return t('sync.clockMinutes', { minutes: String(minutes) }) ?? `${minutes} min`;
  return t('sync.clockHours', { hours: String(Math.floor(minutes / 60)), minutes: String(minutes % 60) }) ?? `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/**
 * What the sync status says of this device's clock: nothing while it is within a minute of the
 * server's (or not known yet); how far fast or slow it is once it is further off (times are
 * corrected); that it is corrected by a day only when it is further off than that.
 */
export function clockNote(t: Translate, clock: ClockCorrection | null | undefined): string | undefined {
  if (clock === null || clock === undefined) return undefined;
  if (clock.clamped) return t('sync.clockClamped');
  if (Math.abs(clock.offsetMs) < CLOCK_SHOWN_FROM_MS) return undefined;
  // The correction is the server's clock minus the device's: negative when the device runs fast.
  return clock.offsetMs < 0 ? t('sync.clockFast', { amount: clockAmount(t, clock.offsetMs) }) : t('sync.clockSlow', { amount: clockAmount(t, clock.offsetMs) });
}

/**
 * What became of a lifecycle move refused for its date (`future_time`): made again by itself,
 * when and by how much the clock was corrected; left because the seal moved since; or left
 * because the clock is too far off to correct. Nothing for other refusals, or while it is decided.
 */
export function futureMoveNote(t: Translate, locale: Locale, refusal: RefusedRowView, clock: ClockCorrection | null | undefined): string | undefined {
  if (refusal.code !== 'future_time') return undefined;
  const { remade } = refusal;
  if (remade?.outcome === 'remade') return t('sync.moveRemade', { time: formatDateTime(remade.at, locale), amount: clockAmount(t, remade.offsetMs) });
  if (remade?.outcome === 'seal_moved') return t('sync.moveSealMoved');
  return clock?.clamped === true ? t('sync.moveSetClock') : undefined;
}
