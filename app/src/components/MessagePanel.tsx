import type { JSX } from 'solid-js';

/** A narrow panel that says one thing (why this screen is not shown, what is done) and offers the way on. */
export function MessagePanel(props: { titleId: string; title: string; body: string; children: JSX.Element }) {
  return (
    <section class="panel panel-narrow" aria-labelledby={props.titleId}>
      <h1 id={props.titleId}>{props.title}</h1>
      <p class="muted">{props.body}</p>
      {props.children}
    </section>
  );
}
