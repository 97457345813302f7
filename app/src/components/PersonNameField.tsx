import { Field } from './Field';

/** The name of someone creating their account (setup, joining): required, filled in by the browser as a person's name. */
export function PersonNameField(props: { id: string; label: string; hint: string; value: string; onInput: (name: string) => void; disabled: boolean }) {
  return (
    <Field id={props.id} label={props.label} hint={props.hint}>
      <input
        id={props.id}
        class="input"
        type="text"
        required
        maxLength={200}
        autocomplete="name"
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
        disabled={props.disabled}
        aria-describedby={`${props.id}-hint`}
      />
    </Field>
  );
}
