import { A } from '@solidjs/router';
import { useI18n } from '../i18n/I18nProvider';

export function NotFound() {
  const { t } = useI18n();
  return (
    <section class="not-found" aria-labelledby="not-found-title">
      <h1 id="not-found-title">{t('notFound.title')}</h1>
      <p>{t('notFound.body')}</p>
      <A href="/" class="button button-primary">
        {t('notFound.home')}
      </A>
    </section>
  );
}
