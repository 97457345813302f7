import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { useI18n } from '../../i18n/I18nProvider';

const STEPS = [
  { title: 'home.step1Title', body: 'home.step1Body' },
  { title: 'home.step2Title', body: 'home.step2Body' },
  { title: 'home.step3Title', body: 'home.step3Body' },
] as const;

/** No organisation yet: what comes next, and (when the server says setup is open) the way in. */
export function EmptyState(props: { setupOpen: boolean }) {
  const { t } = useI18n();
  return (
    <section class="empty-state" aria-labelledby="empty-title">
      <img class="empty-mark" src="/icons/icon.svg" alt="" width="88" height="88" />
      <h1 id="empty-title">{t('home.title')}</h1>
      <p class="lead">{t('home.lead')}</p>
      <Show when={props.setupOpen}>
        <div class="cta">
          <A href="/setup" class="button button-primary button-large">
            {t('home.setupCta')}
          </A>
          <p class="muted">{t('home.setupCtaHint')}</p>
        </div>
      </Show>
      <h2 class="steps-label">{t('home.stepsLabel')}</h2>
      <ol class="steps">
        <For each={STEPS}>
          {(step) => (
            <li class="step">
              <h3>{t(step.title)}</h3>
              <p>{t(step.body)}</p>
            </li>
          )}
        </For>
      </ol>
      <p class="note">{t('home.notAdmin')}</p>
    </section>
  );
}
