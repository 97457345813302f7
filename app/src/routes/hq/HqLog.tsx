import { useSearchParams } from '@solidjs/router';
import { For, Show, createMemo } from 'solid-js';
import type { SessionView as Session } from '@seal/shared';
import { hqEventsCsvHref } from '../../api/hq';
import { ErrorAlert } from '../../components/ErrorAlert';
import { RequireSession } from '../../components/RequireSession';
import { Screen } from '../../components/Screen';
import { createHqLog } from '../../hq/createHqLog';
import { mayAnywhere } from '../../hq/hqAccess';
import { eventFilterOf, logSearchOf, logViewOf, type HqLogView } from '../../hq/hqViews';
import { useI18n } from '../../i18n/I18nProvider';
import { createOnlineStatus } from '../../primitives/createOnlineStatus';
import { useSync } from '../../sync/SyncProvider';
import { HqAccess } from './HqAccess';
import { HqEventRow } from './HqEventRow';
import { HqLogFilters } from './HqLogFilters';
import { HqTabs } from './HqTabs';
import { KeptNote } from './KeptNote';
import { createHqChoices } from './hqChoices';
import './hq.css';

/** Headquarters' merged log: every event in the reader's scope, filtered by the address. */
export function HqLog() {
  return <RequireSession>{(session) => <HqAccess session={session}>{() => <HqLogScreen session={session} />}</HqAccess>}</RequireSession>;
}

function HqLogScreen(props: { session: Session }) {
  const { t } = useI18n();
  const sync = useSync();
  const online = createOnlineStatus();
  const [params, setParams] = useSearchParams();
  const view = createMemo(() => logViewOf(params), undefined, { equals: (a, b) => JSON.stringify(logSearchOf(a)) === JSON.stringify(logSearchOf(b)) });
  const log = createHqLog(() => view(), () => sync.store());
  const choices = createHqChoices(() => props.session);
  const show = (next: HqLogView): void => setParams(logSearchOf(next));
  const clear = (): void => setParams(Object.fromEntries(Object.keys(logSearchOf(view())).map((name) => [name, undefined])));
  const counts = createMemo(() => Object.entries(log.counts()?.byKind ?? {}).sort(([, a], [, b]) => b - a));

  return (
    <Screen id="hq" class="hq" title={t('hq.title')} lead={t('hq.lead')} actions={<HqTabs params={params} />}>
      <HqLogFilters view={view()} choices={choices} onChange={show} onClear={clear} />
      <p class="muted hq-share">{t('hq.shareHint')}</p>
      <KeptNote source={log.source()} nothingKept={log.nothingKept()} offline={!online()} />
      <Show when={!log.nothingKept() && log.source().kind === 'none'}>
        <ErrorAlert error={log.error()} />
      </Show>
      <section class="hq-results" aria-labelledby="hq-results-title" aria-busy={log.loading() ? 'true' : 'false'}>
        <div class="hq-results-head">
          <h2 id="hq-results-title" class="section-title" data-testid="hq-total">
            <Show when={log.counts()} fallback={t('hq.listLabel')}>
              {(c) => t('hq.total', { count: String(c().total) })}
            </Show>
          </h2>
          <Show when={mayAnywhere(props.session, 'export')}>
            <a class="button button-secondary hq-csv" href={hqEventsCsvHref(eventFilterOf(view()))} download="" data-testid="hq-csv" title={t('hq.csvHint')}>
              {t('hq.csv')}
            </a>
          </Show>
        </div>
        <Show when={counts().length > 0}>
          <ul class="hq-counts" aria-label={t('hq.countsLabel')} data-testid="hq-counts">
            <For each={counts()}>
              {([kind, count]) => (
                <li data-kind={kind}>
                  <span class="hq-count-kind">{t(`eventKinds.${kind as 'stamp'}`) || kind}</span> <span class="hq-count-n">{count}</span>
                </li>
              )}
            </For>
          </ul>
        </Show>
        <Show when={log.loading() && log.events().length === 0}>
          <p class="loading">{t('common.loading')}</p>
        </Show>
        <Show when={!log.loading() && log.source().kind !== 'none' && log.events().length === 0}>
          <p class="empty">{t('hq.none')}</p>
        </Show>
        <Show when={log.events().length > 0}>
          <ol class="hq-event-list" aria-label={t('hq.listLabel')} data-testid="hq-event-list">
            <For each={log.events()}>{(event) => <HqEventRow event={event} choices={choices} />}</For>
          </ol>
          <div class="hq-more">
            <p class="muted" data-testid="hq-shown">
              {t('hq.shown', { shown: String(log.events().length), total: String(log.counts()?.total ?? log.events().length) })}
            </p>
            <Show when={log.hasMore()} fallback={<Show when={log.source().kind === 'fresh'}><p class="muted">{t('hq.end')}</p></Show>}>
              <button type="button" class="button button-secondary" onClick={() => void log.loadMore()} disabled={log.loadingMore()} data-testid="hq-load-more">
                {log.loadingMore() ? t('hq.loadingMore') : t('hq.loadMore')}
              </button>
            </Show>
            <ErrorAlert error={log.moreError()} />
          </div>
        </Show>
      </section>
    </Screen>
  );
}
