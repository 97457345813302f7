import type { Locale } from './locale';

const formatters = new Map<Locale, Intl.DateTimeFormat>();

/** A moment (ms since the epoch) as the locale writes a date and time: "2025年3月4日 14:05", "4 Mar 2025, 14:05". */
export function formatDateTime(ms: number, locale: Locale): string {
  let formatter = formatters.get(locale);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    formatters.set(locale, formatter);
  }
  return formatter.format(ms);
}
