import { Show } from 'solid-js';
import { ErrorAlert } from '../../components/ErrorAlert';
import { describeError } from '../../i18n/describeError';
import type { Translate } from '../../i18n/I18nProvider';
import { StoreError } from '../../store/StoreError';
import { SealActionError } from './sealActions';

/** The sentence for a failed seal change: the domain's refusal, the local store's, or any other failure. */
function sealErrorText(t: Translate, error: unknown): string {
  if (error instanceof SealActionError) return t(`seals.errors.${error.code}`);
  if (error instanceof StoreError) return t(`seals.storeErrors.${error.code}`, { detail: error.message });
  return describeError(t, error);
}

const codeOf = (error: unknown): string =>
  error instanceof SealActionError || error instanceof StoreError ? error.code : error instanceof Error && 'code' in error ? String(error.code) : 'unknown';

/** A failed seal change, said in the person's language; `data-error-code` carries the code. */
export function SealErrorAlert(props: { error: unknown }) {
  return <ErrorAlert error={props.error} describe={sealErrorText} code={codeOf} />;
}

/** A problem with one field, under it (the field points at it with `aria-describedby`). */
export function FieldProblem(props: { id: string; code: string | undefined; text: string | undefined }) {
  return (
    <Show when={props.code !== undefined}>
      <p class="field-problem" id={props.id} data-error-code={props.code}>
        {props.text}
      </p>
    </Show>
  );
}
