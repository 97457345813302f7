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

/** Headquarters reads every site's events in one time zone: China Standard Time, whatever the browser's. */
const CHINA_TIME_ZONE = 'Asia/Shanghai';
const chinaFormatters = new Map<string, Intl.DateTimeFormat>();

function chinaFormatter(locale: Locale, style: 'dateTime' | 'dateMinute' | 'time' | 'day'): Intl.DateTimeFormat {
  const key = `${locale}:${style}`;
  let formatter = chinaFormatters.get(key);
  if (!formatter) {
    const options: Intl.DateTimeFormatOptions =
      style === 'dateTime' ? { dateStyle: 'medium', timeStyle: 'medium' } : style === 'dateMinute' ? { dateStyle: 'medium', timeStyle: 'short' } : style === 'time' ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : { dateStyle: 'medium' };
    formatter = new Intl.DateTimeFormat(locale, { ...options, timeZone: CHINA_TIME_ZONE });
    chinaFormatters.set(key, formatter);
  }
  return formatter;
}

/** A moment in China Standard Time, with seconds: "2026年12月3日 14:05:09", "3 Dec 2026, 14:05:09". */
export const formatChinaDateTime = (ms: number, locale: Locale): string => chinaFormatter(locale, 'dateTime').format(ms);

/** A moment in China Standard Time, to the minute: "2026年12月3日 14:05", "3 Dec 2026, 14:05". */
export const formatChinaDateMinute = (ms: number, locale: Locale): string => chinaFormatter(locale, 'dateMinute').format(ms);

/** A moment in China Standard Time: the time alone when it is today there, else the date and time. */
export function formatChinaMoment(ms: number, locale: Locale, now = Date.now()): string {
  const day = (at: number): string => chinaFormatter(locale, 'day').format(at);
  return day(ms) === day(now) ? chinaFormatter(locale, 'time').format(ms) : `${day(ms)} ${chinaFormatter(locale, 'time').format(ms)}`;
}

/** An HQ day (`YYYY-MM-DD`, China Standard Time) as the locale writes a date. */
export const formatChinaDay = (day: string, locale: Locale): string => chinaFormatter(locale, 'day').format(Date.parse(`${day}T12:00:00+08:00`));

/** What separates a label from its value: a full-width colon in Chinese (事由：…), ': ' in English. */
export const colon = (locale: Locale): string => (locale === 'zh-CN' ? '：' : ': ');
