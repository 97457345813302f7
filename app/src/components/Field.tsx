import { Show, type JSX } from 'solid-js';

/** A labelled form control with an optional hint under it; the control itself is the child. */
export function Field(props: { id: string; label: string; hint?: string; optional?: string; children: JSX.Element }) {
  return (
    <div class="field">
      <label class="field-label" for={props.id}>
        {props.label}
        <Show when={props.optional}>
          <span class="field-optional"> ({props.optional})</span>
        </Show>
      </label>
      {props.children}
      <Show when={props.hint}>
        <p class="field-hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      </Show>
    </div>
  );
}
