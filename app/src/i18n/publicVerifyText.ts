import * as i18n from '@solid-primitives/i18n';
import { createMemo, type Accessor } from 'solid-js';
import { useI18n } from './I18nProvider';
import { resolveWithPlurals } from './plurals';
import { publicVerifyEn } from './publicVerify.en';
import { publicVerifyZhCN, type PublicVerifyDictionary } from './publicVerify.zh-CN';

type Words = { readonly publicVerify: PublicVerifyDictionary };
const words = { 'zh-CN': { publicVerify: publicVerifyZhCN }, en: { publicVerify: publicVerifyEn } } satisfies Record<ReturnType<ReturnType<typeof useI18n>['locale']>, Words>;

type FlatWords = i18n.Flatten<Words>;
const translatorOf = (dict: Accessor<FlatWords>) => i18n.translator(dict, resolveWithPlurals);

/**
 * `t('publicVerify.…')` for the verification page, in the app's current language (the language
 * switch applies at once), with the app's `locale` for dates.
 */
export function usePublicVerifyText() {
  const { locale } = useI18n();
  const dict = createMemo(() => i18n.flatten(words[locale()]));
  // The translator reads `dict()` each time `t` is called (in JSX, tracked there), as the app's own does.
  // eslint-disable-next-line solid/reactivity
  return { t: translatorOf(dict), locale };
}
