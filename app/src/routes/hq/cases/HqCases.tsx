import { A, useSearchParams } from '@solidjs/router';
import { For, Show, createEffect, createMemo, createSignal, on } from 'solid-js';
import { ANOMALY_KINDS, type SessionView as Session } from '@seal/shared';
import { fetchCases, scanForAnomalies } from '../../../api/hqCases';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { Field } from '../../../components/Field';
import { RequireSession } from '../../../components/RequireSession';
import { Screen } from '../../../components/Screen';
import { Select } from '../../../components/Select';
import { UnitSelect } from '../../../components/UnitSelect';
import { caseListSearchOf, caseListViewOf, scanUnitsOf, type CaseListView } from '../../../hq/caseViews';
import { mayAnywhere } from '../../../hq/hqAccess';
import { formatChinaDateMinute } from '../../../i18n/format';
import { useI18n } from '../../../i18n/I18nProvider';
import { useDirectory } from '../../../org/DirectoryProvider';
import { createAction } from '../../../primitives/createAction';
import { createLoad } from '../../../primitives/createLoad';
import { HqAccess } from '../HqAccess';
import { HqTabs } from '../HqTabs';
import { createHqChoices } from '../hqChoices';
import '../hq.css';
import './cases.css';

const STATUSES = ['open', 'acknowledged', 'resolved'] as const;
const LIMIT = 200;

/** `/hq/cases`: the exception queue — anomalies in the reader's scope as cases to acknowledge and resolve. */
export function HqCases() {
  return <RequireSession>{(session) => <HqAccess session={session}>{() => <CasesScreen session={session} />}</HqAccess>}</RequireSession>;
}

function CasesScreen(props: { session: Session }) {
  const { t, locale } = useI18n();
  const directory = useDirectory();
  const [params, setParams] = useSearchParams();
  const view = createMemo(() => caseListViewOf(params), undefined, { equals: (a, b) => JSON.stringify(a) === JSON.stringify(b) });
  const choices = createHqChoices(() => props.session);
  const list = createLoad(() => fetchCases(view(), { limit: LIMIT }));
  createEffect(on(view, () => void list.reload(), { defer: true }));
  const set = (patch: Partial<CaseListView>): void => setParams(caseListSearchOf({ ...view(), ...patch }));
  const orUndefined = <T extends string>(value: string): T | undefined => (value === '' ? undefined : (value as T));

  const [progress, setProgress] = createSignal<{ done: number; of: number }>();
  const [opened, setOpened] = createSignal<number>();
  const scan = createAction(async () => {
    const units = scanUnitsOf(props.session, directory.directory()?.units ?? [], view().unit);
    setOpened(undefined);
    let total = 0;
    for (const [i, unit] of units.entries()) {
      setProgress({ done: i, of: units.length });
      total += (await scanForAnomalies(unit)).opened;
    }
    setOpened(total);
    await list.reload();
  });

  return (
    <Screen id="hq-cases" class="hq" title={t('cases.title')} lead={t('cases.lead')} actions={<HqTabs params={params} />}>
      <form class="hq-filters panel" aria-label={t('hq.filtersTitle')} onSubmit={(e) => e.preventDefault()}>
        <div class="hq-filter-grid">
          <Field id="cases-unit" label={t('hq.unit')}>
            <UnitSelect id="cases-unit" value={view().unit ?? ''} units={choices.units()} placeholder={t('hq.allUnits')} onChange={(v) => set({ unit: orUndefined(v) })} />
          </Field>
          <Field id="cases-status" label={t('cases.statusLabel')}>
            <Select id="cases-status" value={view().status ?? ''} options={STATUSES.map((s) => ({ value: s, label: t(`cases.statuses.${s}`) }))} placeholder={t('cases.allStatuses')} onChange={(v) => set({ status: orUndefined(v) })} />
          </Field>
          <Field id="cases-kind" label={t('cases.kindLabel')}>
            <Select id="cases-kind" value={view().kind ?? ''} options={ANOMALY_KINDS.map((k) => ({ value: k, label: t(`anomalyKinds.${k}`) }))} placeholder={t('cases.allKinds')} onChange={(v) => set({ kind: orUndefined(v) })} />
          </Field>
        </div>
      </form>
      <Show when={mayAnywhere(props.session, 'case.review')}>
        <div class="panel cases-scan">
          <button type="button" class="button button-primary" disabled={scan.pending()} onClick={() => void scan.run()} data-testid="scan-button">
            {t('cases.scan')}
          </button>
          <p class="muted">{t('cases.scanHint')}</p>
          <p role="status" data-testid="scan-status">
            <Show when={scan.pending()} fallback={<Show when={opened() !== undefined}>{t('cases.scanDone', { count: String(opened()) })}</Show>}>
              <span class="loading">{t('cases.scanning', { done: String((progress()?.done ?? 0) + 1), of: String(progress()?.of ?? 1) })}</span>
            </Show>
          </p>
          <ErrorAlert error={scan.error()} />
        </div>
      </Show>
      <ErrorAlert error={list.error()} />
      <Show when={list.data()} fallback={<Show when={list.loading()}><p class="loading">{t('common.loading')}</p></Show>}>
        {(data) => (
          <>
            <p class="muted" data-testid="cases-total">{t('cases.total', { count: String(data().total) })}</p>
            <Show when={data().cases.length > 0} fallback={<p class="muted">{t('cases.none')}</p>}>
              <ul class="cases-list" aria-label={t('cases.listLabel')} data-testid="cases-list">
                <For each={data().cases}>
                  {(c) => (
                    <li class="case-row panel" data-case-id={c.id} data-kind={c.kind} data-status={c.status}>
                      <A href={`/hq/cases/${c.id}`} class="case-kind">{t(`anomalyKinds.${c.kind}`)}</A>
                      <span class={`case-severity case-severity-${c.severity}`}>{t(`cases.severities.${c.severity}`)}</span>
                      <span class="case-unit">{choices.unitName(c.unitId)}</span>
                      <span class="muted">{formatChinaDateMinute(c.at, locale())}</span>
                      <span class={`case-status case-status-${c.status}`} data-testid="case-status">{t(`cases.statuses.${c.status}`)}</span>
                    </li>
                  )}
                </For>
              </ul>
              <Show when={data().nextCursor !== null}>
                <p class="muted">{t('cases.more', { shown: String(data().cases.length), total: String(data().total) })}</p>
              </Show>
            </Show>
          </>
        )}
      </Show>
    </Screen>
  );
}
