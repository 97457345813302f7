import { splitProps, type JSX } from 'solid-js';
import { Field } from './Field';

/**
 * A labelled one-line text input (its hint, when given, is tied to it by `aria-describedby`).
 * Other input attributes (`required`, `maxLength`, `autocomplete`, …) pass through.
 */
export function TextField(
  props: Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'value' | 'onInput' | 'id' | 'class' | 'type'> & {
    id: string;
    label: string;
    hint?: string;
    optional?: string;
    value: string;
    onInput: (value: string) => void;
  },
) {
  const [own, input] = splitProps(props, ['id', 'label', 'hint', 'optional', 'value', 'onInput']);
  return (
    <Field id={own.id} label={own.label} hint={own.hint} optional={own.optional}>
      <input
        {...input}
        id={own.id}
        class="input"
        type="text"
        value={own.value}
        onInput={(e) => own.onInput(e.currentTarget.value)}
        aria-describedby={own.hint === undefined ? undefined : `${own.id}-hint`}
      />
    </Field>
  );
}
