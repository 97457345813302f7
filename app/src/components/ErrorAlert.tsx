import { Show } from 'solid-js';
import { describeError, errorCode } from '../i18n/describeError';
import { useI18n } from '../i18n/I18nProvider';

/** A failure, said in the person's language; `data-error-code` carries the code for tests and support. */
export function ErrorAlert(props: { error: unknown }) {
  const { t } = useI18n();
  return (
    <Show when={props.error !== undefined}>
      <p class="alert alert-error" role="alert" data-error-code={errorCode(props.error)}>
        {describeError(t, props.error)}
      </p>
    </Show>
  );
}
