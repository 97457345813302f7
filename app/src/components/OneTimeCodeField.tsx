import { Show } from 'solid-js';
import { useI18n } from '../i18n/I18nProvider';
import { Field } from './Field';
import { OneTimeCodeInput } from './OneTimeCodeInput';

/** A labelled one-time code (setup code, invitation code) and, once submitted short, why it was not sent. */
export function OneTimeCodeField(props: {
  id: string;
  label: string;
  hint: string;
  value: string;
  onChange: (formatted: string) => void;
  disabled: boolean;
  incomplete: boolean;
}) {
  const { t } = useI18n();
  return (
    <>
      <Field id={props.id} label={props.label} hint={props.hint}>
        <OneTimeCodeInput id={props.id} value={props.value} onChange={(v) => props.onChange(v)} disabled={props.disabled} describedBy={`${props.id}-hint`} />
      </Field>
      <Show when={props.incomplete}>
        <p class="alert alert-error" role="alert" data-error-code="code_incomplete">
          {t('common.codeIncomplete')}
        </p>
      </Show>
    </>
  );
}
