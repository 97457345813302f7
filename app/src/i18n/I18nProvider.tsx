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
import { en } from './en';
import { initialLocale, storeLocale, type Locale, type LocaleStorage } from './locale';
import { zhCN, type Dictionary } from './zh-CN';

// Both dictionaries ship in the main bundle: they are small, and a tablet offline for days must
// be able to switch language without a chunk it never fetched.
const dictionaries: Record<Locale, Dictionary> = { 'zh-CN': zhCN, en };

export type FlatDictionary = i18n.Flatten<Dictionary>;
export type Translate = i18n.Translator<FlatDictionary>;

export interface I18n {
  readonly locale: Accessor<Locale>;
  readonly setLocale: (locale: Locale) => void;
  /** `t('home.title')`: the text of a dotted key in the current locale. */
  readonly t: Translate;
}

const I18nContext = createContext<I18n>();

/** A translator that follows `dict`; `{{ name }}` placeholders are filled from the arguments. */
function createTranslator(dict: Accessor<FlatDictionary>): Translate {
  return i18n.translator(dict, i18n.resolveTemplate);
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
  const [locale, setLocaleSignal] = createSignal<Locale>(initialLocale(storage, navigator.languages));
  const dict = createMemo(() => i18n.flatten(dictionaries[locale()]));
  const t = createTranslator(() => dict());

  createEffect(() => {
    document.documentElement.lang = locale();
  });

  const setLocale = (next: Locale): void => {
    setLocaleSignal(next);
    storeLocale(storage, next);
  };

  return <I18nContext.Provider value={{ locale, setLocale, t }}>{props.children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const context = useContext(I18nContext);
  if (!context) throw new Error('useI18n() must be called inside <I18nProvider>');
  return context;
}
