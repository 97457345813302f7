import { For, Show, type JSX } from 'solid-js';
import { useI18n } from '../../../i18n/I18nProvider';

/** One row of a chart's data table. */
export interface ChartRow {
  readonly label: string;
  readonly value: string;
}

/**
 * A chart with its text alternative: the caption names it, a sentence sums it up, and its data
 * table is one keyboard press away (a disclosure); the canvas itself is hidden from screen readers.
 */
export function ChartFigure(props: {
  id: string;
  title: string;
  summary: string;
  columns: readonly [string, string];
  rows: readonly ChartRow[];
  empty?: string | undefined;
  children: JSX.Element;
}) {
  const { t } = useI18n();
  return (
    <figure class="hq-chart panel" aria-labelledby={`${props.id}-caption`} data-testid={props.id}>
      <figcaption id={`${props.id}-caption`} class="hq-chart-title">
        {props.title}
      </figcaption>
      <p class="hq-chart-summary" data-testid={`${props.id}-summary`}>
        {props.summary}
      </p>
      <Show when={props.rows.length > 0 && props.empty === undefined} fallback={<p class="empty">{props.empty}</p>}>
        {props.children}
        <details class="hq-chart-table">
          <summary>{t('hqDashboard.showTable')}</summary>
          <table class="hq-table">
            <caption class="visually-hidden">{t('hqDashboard.tableCaption', { chart: props.title })}</caption>
            <thead>
              <tr>
                <th scope="col">{props.columns[0]}</th>
                <th scope="col" class="hq-num">{props.columns[1]}</th>
              </tr>
            </thead>
            <tbody>
              <For each={props.rows}>
                {(row) => (
                  <tr>
                    <th scope="row">{row.label}</th>
                    <td class="hq-num">{row.value}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </details>
      </Show>
    </figure>
  );
}
