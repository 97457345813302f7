import { Show } from 'solid-js';
import type { HqDashboardResponse } from '@seal/shared';
import { useI18n, type Translate } from '../../i18n/I18nProvider';

/** A duration as a person reads it: minutes under two hours, hours under two days, else days. */
export function durationWords(ms: number, t: Translate): string {
  const minutes = ms / 60_000;
  const round = (n: number): string => String(Math.round(n * 10) / 10);
  if (minutes < 120) return t('hqDashboard.minutes', { n: round(minutes) });
  if (minutes < 48 * 60) return t('hqDashboard.hours', { n: round(minutes / 60) });
  return t('hqDashboard.days', { n: round(minutes / 1440) });
}

/** How long approval takes: the median and the 95th percentile, as words and numbers. */
export function LatencyPanel(props: { latency: HqDashboardResponse['approvalLatency'] }) {
  const { t } = useI18n();
  return (
    <section class="hq-latency panel" aria-labelledby="hq-latency-title" data-testid="hq-latency">
      <h2 id="hq-latency-title" class="hq-chart-title">
        {t('hqDashboard.latency')}
      </h2>
      <Show when={props.latency.count > 0 && props.latency.p50Ms !== null} fallback={<p class="empty">{t('hqDashboard.latencyNone')}</p>}>
        <p class="hq-chart-summary">{t('hqDashboard.latencyBody', { count: String(props.latency.count) })}</p>
        <dl class="hq-latency-figures">
          <div>
            <dt>{t('hqDashboard.latencyP50')}</dt>
            <dd data-testid="hq-latency-p50">{durationWords(props.latency.p50Ms ?? 0, t)}</dd>
          </div>
          <div>
            <dt>{t('hqDashboard.latencyP95')}</dt>
            <dd data-testid="hq-latency-p95">{durationWords(props.latency.p95Ms ?? 0, t)}</dd>
          </div>
        </dl>
      </Show>
    </section>
  );
}
