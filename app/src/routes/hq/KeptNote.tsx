import { Match, Switch } from 'solid-js';
import type { ViewSource } from '../../hq/createKeptView';
import { formatChinaMoment } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';

/**
 * Where what the view shows comes from: the time of a fresh answer, quietly; plainly, that it is
 * the copy kept on this device (and as of when) when the server cannot be reached; or that
 * nothing is kept for this view.
 */
export function KeptNote(props: { source: ViewSource; nothingKept: boolean; offline: boolean }) {
  const { t, locale } = useI18n();
  const time = (ms: number): string => t('hq.chinaMoment', { time: formatChinaMoment(ms, locale()) });
  return (
    <Switch>
      {/* Offline by the error of the fetch or by the browser's word now (an answer may fail just before it says so). */}
      <Match when={props.source.kind === 'kept' ? props.source : undefined}>
        {(kept) => (
          <p class="note note-warn hq-kept" role="status" data-testid="hq-kept" data-fetched-at={kept().fetchedAt}>
            {kept().offline || props.offline ? t('hq.keptOffline', { time: time(kept().fetchedAt) }) : t('hq.keptUnreachable', { time: time(kept().fetchedAt) })}
          </p>
        )}
      </Match>
      <Match when={props.nothingKept}>
        <p class="note note-warn hq-kept" role="status" data-testid="hq-nothing-kept">
          {props.offline ? t('hq.nothingKeptOffline') : t('hq.nothingKeptUnreachable')}
        </p>
      </Match>
      <Match when={props.source.kind === 'fresh' ? props.source : undefined}>
        {(fresh) => (
          <p class="muted hq-fetched" data-testid="hq-fetched">
            {t('hq.fetchedAt', { time: time(fresh().fetchedAt) })}
          </p>
        )}
      </Match>
    </Switch>
  );
}
