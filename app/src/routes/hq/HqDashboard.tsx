import { useSearchParams } from '@solidjs/router';
import { Show, createMemo } from 'solid-js';
import type { SessionView as Session } from '@seal/shared';
import { auditReportHref } from '../../api/hqCases';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { RequireSession } from '../../components/RequireSession';
import { Screen } from '../../components/Screen';
import { UnitSelect } from '../../components/UnitSelect';
import { createHqDashboard } from '../../hq/createHqDashboard';
import { dashboardSearchOf, dashboardViewOf, type HqDashboardView } from '../../hq/hqViews';
import { formatChinaDateMinute } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { createOnlineStatus } from '../../primitives/createOnlineStatus';
import { useSync } from '../../sync/SyncProvider';
import { DashboardCharts } from './DashboardCharts';
import { FleetTable } from './FleetTable';
import { HqAccess } from './HqAccess';
import { HqTabs } from './HqTabs';
import { KeptNote } from './KeptNote';
import { LatencyPanel } from './LatencyPanel';
import { createHqChoices } from './hqChoices';
import './hq.css';

/** Headquarters' dashboard: charts of a scope over a period, each with its text alternative, and the device fleet. */
export function HqDashboard() {
  return <RequireSession>{(session) => <HqAccess session={session}>{() => <DashboardScreen session={session} />}</HqAccess>}</RequireSession>;
}

const orUndefined = (value: string): string | undefined => (value === '' ? undefined : value);

function DashboardScreen(props: { session: Session }) {
  const { t, locale } = useI18n();
  const sync = useSync();
  const online = createOnlineStatus();
  const [params, setParams] = useSearchParams();
  const view = createMemo(() => dashboardViewOf(params), undefined, { equals: (a, b) => JSON.stringify(a) === JSON.stringify(b) });
  const dashboard = createHqDashboard(() => view(), () => sync.store());
  const choices = createHqChoices(() => props.session);
  const set = (patch: Partial<HqDashboardView>): void => setParams(dashboardSearchOf({ ...view(), ...patch }));

  return (
    <Screen id="hq-dashboard" class="hq" title={t('hqDashboard.title')} lead={t('hqDashboard.lead')} actions={<HqTabs params={params} />}>
      <form class="hq-filters panel" aria-label={t('hq.filtersTitle')} onSubmit={(e) => e.preventDefault()}>
        <div class="hq-filter-grid">
          <Field id="hq-dashboard-unit" label={t('hq.unit')}>
            <UnitSelect id="hq-dashboard-unit" value={view().unit ?? ''} units={choices.units()} placeholder={t('hq.allUnits')} onChange={(v) => set({ unit: orUndefined(v) })} />
          </Field>
          <Field id="hq-dashboard-from" label={t('hq.from')}>
            <input id="hq-dashboard-from" class="input" type="date" value={view().from ?? ''} max={view().to} onChange={(e) => set({ from: orUndefined(e.currentTarget.value) })} />
          </Field>
          <Field id="hq-dashboard-to" label={t('hq.to')}>
            <input id="hq-dashboard-to" class="input" type="date" value={view().to ?? ''} min={view().from} onChange={(e) => set({ to: orUndefined(e.currentTarget.value) })} />
          </Field>
        </div>
      </form>
      <KeptNote source={dashboard.source()} nothingKept={dashboard.nothingKept()} offline={!online()} />
      <Show when={!dashboard.nothingKept() && dashboard.source().kind === 'none'}>
        <ErrorAlert error={dashboard.error()} />
      </Show>
      <Show when={dashboard.data()} fallback={<Show when={dashboard.loading()}><p class="loading">{t('common.loading')}</p></Show>}>
        {(data) => (
          <div class="hq-dashboard" data-testid="hq-dashboard">
            <p class="muted" data-testid="hq-period">
              {t('hq.chinaMoment', { time: t('hqDashboard.period', { from: formatChinaDateMinute(data().from, locale()), to: formatChinaDateMinute(data().to, locale()) }) })}
            </p>
            <p class="hq-report">
              <a class="button button-secondary" href={auditReportHref({ unit: data().unitId, from: data().from, to: data().to })} download="" data-testid="report-pdf">
                {t('hqDashboard.reportPdf')}
              </a>{' '}
              <span class="muted">{t('hqDashboard.reportPdfHint')}</span>
            </p>
            <DashboardCharts data={data()} unitName={choices.unitName} />
            <LatencyPanel latency={data().approvalLatency} />
            <FleetTable fleet={data().fleet} unitName={choices.unitName} sealName={choices.sealName} />
          </div>
        )}
      </Show>
    </Screen>
  );
}
