/** The interface languages, in the order the language switch shows them. */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

const DEFAULT_LOCALE: Locale = 'zh-CN';
/** localStorage key of the user's explicit choice, which wins over the browser's languages. */
export const LOCALE_STORAGE_KEY = 'seal-control.locale';

function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * The first supported locale among the browser's preferred languages (`navigator.languages`),
 * matched on the primary subtag: `en-GB` → `en`, `zh-TW` / `zh-Hans-CN` → `zh-CN`.
 * Anything else falls back to zh-CN.
 */
export function matchLocale(preferred: readonly string[]): Locale {
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split('-')[0];
    if (primary === 'zh') return 'zh-CN';
    if (primary === 'en') return 'en';
  }
  return DEFAULT_LOCALE;
}

/** Storage that may be missing or refuse access (private windows, disabled site data). */
export type LocaleStorage = Pick<Storage, 'getItem' | 'setItem'> | undefined;

export function readStoredLocale(storage: LocaleStorage): Locale | undefined {
  try {
    const stored = storage?.getItem(LOCALE_STORAGE_KEY);
    return isLocale(stored) ? stored : undefined;
  } catch (err) {
    console.warn('Could not read the saved language; using the browser default', err);
    return undefined;
  }
}

/** Saves the choice; returns false when the storage refused it (the choice then lasts this visit). */
export function storeLocale(storage: LocaleStorage, locale: Locale): boolean {
  try {
    storage?.setItem(LOCALE_STORAGE_KEY, locale);
    return storage !== undefined;
  } catch (err) {
    console.warn('Could not save the language choice', err);
    return false;
  }
}

export function initialLocale(storage: LocaleStorage, preferred: readonly string[]): Locale {
  return readStoredLocale(storage) ?? matchLocale(preferred);
}
