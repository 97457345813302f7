import { createMemo } from 'solid-js';
import { SEAL_KINDS, hqDayStart, type HqDashboardResponse, type SealKind } from '@seal/shared';
import { formatChinaDay } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { ChartFigure, type ChartRow } from './charts/ChartFigure';
import { categoryBarOptions, dayBarOptions } from './charts/chartOptions';
import { UplotChart } from './charts/UplotChart';

const isSealKind = (kind: string): kind is SealKind => (SEAL_KINDS as readonly string[]).includes(kind);
const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

/** The four count charts of the dashboard: stamps per day, by unit, by seal kind; anomalies by kind. */
export function DashboardCharts(props: { data: HqDashboardResponse; unitName: (id: string) => string }) {
  const { t, locale } = useI18n();
  const sealKindWords = (kind: string): string =>
    isSealKind(kind) ? t(`sealKinds.${kind}`) : kind === 'unknown' ? t('hqDashboard.sealKindUnknown') : kind;
  const anomalyWords = (kind: string): string => kind.replace(/_/g, ' ');
  const columns = [t('hqDashboard.day'), t('hqDashboard.count')] as const;

  const perDay = createMemo(() => props.data.usesPerDay);
  const perDayRows = createMemo((): ChartRow[] => perDay().map((d) => ({ label: formatChinaDay(d.day, locale()), value: String(d.stamps) })));
  const perDayData = createMemo(() => [perDay().map((d) => hqDayStart(d.day) / 1000), perDay().map((d) => d.stamps)] as [number[], number[]]);
  const busiest = createMemo(() => perDay().reduce<{ day: string; stamps: number } | undefined>((best, d) => (best === undefined || d.stamps > best.stamps ? d : best), undefined));

  const byUnit = createMemo(() => [...props.data.usesByUnit].sort((a, b) => b.stamps - a.stamps));
  const bySealKind = createMemo(() => [...props.data.usesBySealKind].sort((a, b) => b.stamps - a.stamps));
  const anomalies = createMemo(() => [...props.data.anomaliesByKind].sort((a, b) => b.count - a.count));

  const unitLabel = (u: { unitId: string; name: string }): string => (u.name !== '' ? u.name : props.unitName(u.unitId));
  const categoryData = (values: readonly number[]): [number[], number[]] => [values.map((_, i) => i), [...values]];
  const topOf = (rows: readonly ChartRow[]): string => (rows[0] === undefined ? '' : t('hqDashboard.most', { label: rows[0].label, count: rows[0].value }));

  const unitRows = createMemo(() => byUnit().map((u) => ({ label: unitLabel(u), value: String(u.stamps) })));
  const sealKindRows = createMemo(() => bySealKind().map((k) => ({ label: sealKindWords(k.sealKind), value: String(k.stamps) })));
  const anomalyRows = createMemo(() => anomalies().map((a) => ({ label: anomalyWords(a.kind), value: String(a.count) })));
  const totalStamps = createMemo(() => sum(perDay().map((d) => d.stamps)));

  return (
    <div class="hq-chart-grid">
      <ChartFigure
        id="chart-per-day"
        title={t('hqDashboard.usesPerDay')}
        summary={`${t('hqDashboard.total', { count: String(totalStamps()) })}${busiest() !== undefined && busiest()!.stamps > 0 ? t('hqDashboard.most', { label: formatChinaDay(busiest()!.day, locale()), count: String(busiest()!.stamps) }) : ''}`}
        columns={columns}
        rows={perDayRows()}
        empty={totalStamps() === 0 ? t('hqDashboard.noStamps') : undefined}
      >
        <UplotChart options={dayBarOptions(t('hqDashboard.count'))} data={perDayData()} testId="chart-per-day-canvas" />
      </ChartFigure>
      <ChartFigure
        id="chart-by-unit"
        title={t('hqDashboard.usesByUnit')}
        summary={`${t('hqDashboard.total', { count: String(sum(byUnit().map((u) => u.stamps))) })}${topOf(unitRows())}`}
        columns={[t('hq.eventUnit'), t('hqDashboard.count')]}
        rows={unitRows()}
        empty={byUnit().length === 0 ? t('hqDashboard.noStamps') : undefined}
      >
        <UplotChart options={categoryBarOptions(unitRows().map((r) => r.label), t('hqDashboard.count'))} data={categoryData(byUnit().map((u) => u.stamps))} testId="chart-by-unit-canvas" />
      </ChartFigure>
      <ChartFigure
        id="chart-by-seal-kind"
        title={t('hqDashboard.usesBySealKind')}
        summary={`${t('hqDashboard.total', { count: String(sum(bySealKind().map((k) => k.stamps))) })}${topOf(sealKindRows())}`}
        columns={[t('hq.eventSeal'), t('hqDashboard.count')]}
        rows={sealKindRows()}
        empty={bySealKind().length === 0 ? t('hqDashboard.noStamps') : undefined}
      >
        <UplotChart options={categoryBarOptions(sealKindRows().map((r) => r.label), t('hqDashboard.count'))} data={categoryData(bySealKind().map((k) => k.stamps))} testId="chart-by-seal-kind-canvas" />
      </ChartFigure>
      <ChartFigure
        id="chart-anomalies"
        title={t('hqDashboard.anomaliesByKind')}
        summary={anomalies().length === 0 ? t('hqDashboard.noAnomalies') : `${t('hqDashboard.anomalyTotal', { count: String(sum(anomalies().map((a) => a.count))) })}${topOf(anomalyRows())}`}
        columns={[t('hq.kinds'), t('hqDashboard.count')]}
        rows={anomalyRows()}
        empty={anomalies().length === 0 ? t('hqDashboard.noAnomalies') : undefined}
      >
        <UplotChart options={categoryBarOptions(anomalyRows().map((r) => r.label), t('hqDashboard.count'))} data={categoryData(anomalies().map((a) => a.count))} testId="chart-anomalies-canvas" />
      </ChartFigure>
    </div>
  );
}
