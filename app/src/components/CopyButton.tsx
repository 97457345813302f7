import { createSignal, onCleanup } from 'solid-js';
import { useI18n } from '../i18n/I18nProvider';

/** Copies `text` to the clipboard and says so for a moment; says how to do it by hand if it cannot. */
export function CopyButton(props: { text: string; label: string }) {
  const { t } = useI18n();
  const [state, setState] = createSignal<'idle' | 'copied' | 'failed'>('idle');
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(props.text);
      setState('copied');
    } catch (err) {
      console.warn('Clipboard write refused', err);
      setState('failed');
    }
    clearTimeout(timer);
    timer = setTimeout(() => setState('idle'), 2500);
  };
  return (
    <button type="button" class="button button-secondary" onClick={() => void copy()} data-copy-state={state()}>
      {state() === 'copied' ? t('common.copied') : props.label}
      <span class="visually-hidden" role="status">
        {state() === 'failed' ? t('common.copyFailed') : state() === 'copied' ? t('common.copied') : ''}
      </span>
    </button>
  );
}
