import { Show } from 'solid-js';
import { describeError, errorCode } from '../i18n/describeError';
import { useI18n, type Translate } from '../i18n/I18nProvider';

/**
 * A failure, said in the person's language; `data-error-code` carries the code for tests and
 * support. A feature with its own refusals passes its own `describe` and `code`.
 */
export function ErrorAlert(props: { error: unknown; describe?: (t: Translate, error: unknown) => string; code?: (error: unknown) => string }) {
  const { t } = useI18n();
  return (
    <Show when={props.error !== undefined}>
      <p class="alert alert-error" role="alert" data-error-code={(props.code ?? errorCode)(props.error)}>
        {(props.describe ?? describeError)(t, props.error)}
      </p>
    </Show>
  );
}
