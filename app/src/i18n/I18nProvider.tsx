import * as i18n from '@solid-primitives/i18n';
import {
  createContext,
  createEffect,
  createMemo,
  createSignal,
  useContext,
  type Accessor,
  type ParentProps,
} from 'solid-js';
import { initialLocale, storeLocale, type Locale, type LocaleStorage } from './locale';
import { resolveWithPlurals } from './plurals';
import { zhCN, type Dictionary } from './zh-CN';

// The default language ships in the main bundle; English is its own chunk, fetched before the
// first render when it is the starting language, or on switching. The service worker precaches
// every chunk, so a tablet offline for days still switches language.
const held = new Map<Locale, Dictionary>([['zh-CN', zhCN]]);
const loaders: Record<Locale, () => Promise<Dictionary>> = {
  'zh-CN': () => Promise.resolve(zhCN),
  en: () => import('./en').then((module) => module.en),
};

async function loadDictionary(locale: Locale): Promise<Dictionary> {
  const known = held.get(locale);
  if (known !== undefined) return known;
  const loaded = await loaders[locale]();
  held.set(locale, loaded);
  return loaded;
}

/** Fetches the starting language's dictionary (call before the first render); the default one if that fails. */
export async function prepareStartingLocale(): Promise<void> {
  const locale = initialLocale(browserStorage(), navigator.languages);
  await loadDictionary(locale).catch((err: unknown) => console.warn(`The ${locale} texts could not be loaded; showing 中文`, err));
}

export type FlatDictionary = i18n.Flatten<Dictionary>;
export type Translate = i18n.Translator<FlatDictionary>;

export interface I18n {
  readonly locale: Accessor<Locale>;
  readonly setLocale: (locale: Locale) => void;
  /** `t('home.title')`: the text of a dotted key in the current locale. */
  readonly t: Translate;
}

const I18nContext = createContext<I18n>();

/** A translator that follows `dict`; `{{ name }}` placeholders are filled from the arguments, then English counts take their singular or plural (`resolvePlurals`). */
function createTranslator(dict: Accessor<FlatDictionary>): Translate {
  return i18n.translator(dict, resolveWithPlurals);
}

function browserStorage(): LocaleStorage {
  try {
    return window.localStorage;
  } catch (err) {
    // Accessing localStorage itself throws when site data is blocked.
    console.warn('localStorage is not available; the language choice will not be kept', err);
    return undefined;
  }
}

/** Holds the interface language: browser default or saved choice, kept in `<html lang>`. */
export function I18nProvider(props: ParentProps) {
  const storage = browserStorage();
  const starting = initialLocale(storage, navigator.languages);
  const [locale, setLocaleSignal] = createSignal<Locale>(held.has(starting) ? starting : 'zh-CN');
  const dict = createMemo(() => i18n.flatten(held.get(locale()) ?? zhCN));
  const t = createTranslator(() => dict());

  createEffect(() => {
    document.documentElement.lang = locale();
  });

  const setLocale = (next: Locale): void => {
    storeLocale(storage, next);
    void loadDictionary(next).then(
      () => setLocaleSignal(next),
      (err: unknown) => console.warn(`The ${next} texts could not be loaded`, err),
    );
  };

  return <I18nContext.Provider value={{ locale, setLocale, t }}>{props.children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const context = useContext(I18nContext);
  if (!context) throw new Error('useI18n() must be called inside <I18nProvider>');
  return context;
}
