import { For } from 'solid-js';
import { useI18n } from '../i18n/I18nProvider';

const STEPS = [
  { title: 'home.step1Title', body: 'home.step1Body' },
  { title: 'home.step2Title', body: 'home.step2Body' },
  { title: 'home.step3Title', body: 'home.step3Body' },
] as const;

/**
 * Home. With no organisation on this device it is the empty state that explains the way in;
 * once setup exists it becomes the user's inbox / work list.
 */
export function Home() {
  const { t } = useI18n();
  return (
    <section class="empty-state" aria-labelledby="empty-title">
      <img class="empty-mark" src="/icons/icon.svg" alt="" width="88" height="88" />
      <h1 id="empty-title">{t('home.title')}</h1>
      <p class="lead">{t('home.lead')}</p>
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
