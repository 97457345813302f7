import { Show, type JSX } from 'solid-js';
import { Notice } from './Notice';

/**
 * A screen of the app: its title (the page's one `h1`, which names the section), the lead under
 * it and anything the header offers, the last confirmation (`notice`), then the content.
 */
export function Screen(props: {
  /** Prefix of the title's id (`${id}-title`), which labels the section. */
  id: string;
  title: string;
  /** Left out where it would promise what the reader may not do (the screen then says why). */
  lead?: string | undefined;
  class?: string;
  /** What the header offers beside the title (a jump to a form). */
  actions?: JSX.Element;
  notice?: string | undefined;
  children: JSX.Element;
}) {
  return (
    <section class={props.class === undefined ? 'screen' : `screen ${props.class}`} aria-labelledby={`${props.id}-title`}>
      <header class="screen-header">
        <h1 id={`${props.id}-title`}>{props.title}</h1>
        <Show when={props.lead}>
          <p class="lead">{props.lead}</p>
        </Show>
        {props.actions}
      </header>
      <Notice message={props.notice} />
      {props.children}
    </section>
  );
}
