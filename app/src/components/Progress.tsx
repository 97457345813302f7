import { Show } from 'solid-js';

/** What is happening now (e.g. "follow your device's prompt"), announced politely to screen readers. */
export function Progress(props: { message: string | undefined }) {
  return (
    <p class="progress" role="status" aria-live="polite">
      <Show when={props.message}>
        <span class="spinner" aria-hidden="true" />
        {props.message}
      </Show>
    </p>
  );
}
