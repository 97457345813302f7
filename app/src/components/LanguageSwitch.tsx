import { For } from 'solid-js';
import { useI18n } from '../i18n/I18nProvider';
import { LOCALES, type Locale } from '../i18n/locale';

/** Each language is named in itself, so that a user who cannot read the current one finds theirs. */
const ENDONYMS: Record<Locale, { full: string; short: string }> = {
  'zh-CN': { full: '中文', short: '中' },
  en: { full: 'English', short: 'EN' },
};

export function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <div class="language-switch" role="group" aria-label={t('language.label')}>
      <For each={LOCALES}>
        {(option) => (
          <button
            type="button"
            lang={option}
            aria-pressed={locale() === option}
            onClick={() => setLocale(option)}
          >
            {/* Narrow phones show the short name; the full one stays the accessible name. */}
            <span class="label-full">{ENDONYMS[option].full}</span>
            <span class="label-short" aria-hidden="true">
              {ENDONYMS[option].short}
            </span>
          </button>
        )}
      </For>
    </div>
  );
}
