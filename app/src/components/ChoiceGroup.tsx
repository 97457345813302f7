import { For } from 'solid-js';

/** A short set of radio choices under a legend, side by side (a seal's form, a unit's kind). */
export function ChoiceGroup<T extends string>(props: {
  name: string;
  legend: string;
  options: readonly T[];
  value: T;
  label: (option: T) => string;
  onChange: (option: T) => void;
  disabled: boolean;
}) {
  return (
    <fieldset class="field">
      <legend class="field-label">{props.legend}</legend>
      <div class="choices choices-inline">
        <For each={props.options}>
          {(option) => (
            <label class="choice">
              <input type="radio" name={props.name} value={option} checked={props.value === option} onChange={() => props.onChange(option)} disabled={props.disabled} />
              <span>{props.label(option)}</span>
            </label>
          )}
        </For>
      </div>
    </fieldset>
  );
}
