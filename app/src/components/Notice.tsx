import { Show } from 'solid-js';

/** A short confirmation that something worked ("Passkey added"). */
export function Notice(props: { message: string | undefined }) {
  return (
    <Show when={props.message}>
      <p class="alert alert-ok" role="status">
        {props.message}
      </p>
    </Show>
  );
}
