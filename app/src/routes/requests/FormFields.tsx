import { Show, type JSX } from 'solid-js';
import { Field } from '../../components/Field';
import type { RequestField } from '../../requests/requestForm';

/** A field's problem, said under it (the control points at it with `aria-describedby`). */
export function Problem(props: { field: RequestField; text: string | undefined }) {
  return (
    <Show when={props.text}>
      <p class="field-problem" id={`${props.field}-problem`} data-field={props.field}>
        {props.text}
      </p>
    </Show>
  );
}

/** A whole-number field of the request form (pages, copies, uses), with its problem. */
export function NumberField(props: {
  id: string;
  label: string;
  hint?: string;
  value: string;
  onInput: (value: string) => void;
  disabled: boolean;
  field: RequestField;
  problem: string | undefined;
  invalid: JSX.HTMLAttributes<HTMLInputElement>;
}) {
  return (
    <Field id={props.id} label={props.label} hint={props.hint}>
      <input id={props.id} class="input" type="number" inputmode="numeric" min="1" max="1000" step="1" value={props.value} onInput={(e) => props.onInput(e.currentTarget.value)} disabled={props.disabled} {...props.invalid} />
      <Problem field={props.field} text={props.problem} />
    </Field>
  );
}
