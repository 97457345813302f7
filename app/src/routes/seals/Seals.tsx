import { A } from '@solidjs/router';
import { For, Show, createMemo, createSignal } from 'solid-js';
import { SEAL_STATUSES, deviceLabel } from '@seal/shared';
import type { SessionView as Session } from '@seal/shared';
import { SealImage } from '../../components/SealImage';
import { Screen } from '../../components/Screen';
import { RequireSession } from '../../components/RequireSession';
import { useI18n } from '../../i18n/I18nProvider';
import { useDirectory } from '../../org/DirectoryProvider';
import { useSync } from '../../sync/SyncProvider';
import { createSealData } from './createSealData';
import { NewSealForm } from './NewSealForm';
import { awaitsApproval, createApprovalRoutes } from './approvalRoutes';
import { SealRefusals } from './SealRefusals';
import { SealStatusBadge, WaitingBadge } from './SealStatusBadge';
import { countByStatus, filterByStatus, sealIsWaiting, unitsWhereMayCreate, type SealView, type StatusFilter } from './sealViews';
import './seals.css';

/** The seals this device holds (the user's units): status, custodian, device; and making a new one. */
export function Seals() {
  return <RequireSession>{(session) => <SealsScreen session={session} />}</RequireSession>;
}

function SealsScreen(props: { session: Session }) {
  const { t } = useI18n();
  const sync = useSync();
  const directory = useDirectory();
  const data = createSealData(() => props.session);
  const routes = createApprovalRoutes();
  const awaiting = (view: SealView): boolean => awaitsApproval(view, directory.units(), routes.routes());
  const [filter, setFilter] = createSignal<StatusFilter>('all');
  const [notice, setNotice] = createSignal<string>();
  const counts = createMemo(() => countByStatus(data.views()));
  const shown = createMemo(() => filterByStatus(data.views(), filter()));
  // Statuses no seal is in stay out of the way (a phone has little room), except the one chosen.
  const filters = createMemo((): StatusFilter[] => (['all', ...SEAL_STATUSES, 'unknown'] as const).filter((f) => f === 'all' || f === filter() || (counts().get(f) ?? 0) > 0));
  const devices = createMemo(() => new Map(data.devices().map((d) => [d.id as string, d])));
  const mayCreate = createMemo(() => unitsWhereMayCreate(data.actor(), directory.units(), directory.units()).length > 0);
  // Seals with no status yet: said as their cards say it — awaiting approval when each of them is.
  const noStatusAwaits = createMemo(() => data.views().filter((view) => view.status === null).every(awaiting));
  const filterLabel = (f: StatusFilter): string => (f === 'all' ? t('seals.filterAll') : f === 'unknown' ? (noStatusAwaits() ? t('seals.awaitingApproval') : t('seals.statusUnknown')) : t(`sealStatuses.${f}`));
  let form: HTMLDivElement | undefined;

  return (
    <Screen
      id="seals"
      class="seals"
      title={t('seals.title')}
      lead={t('seals.lead')}
      notice={notice()}
      actions={
        <Show when={mayCreate()}>
          <div class="seals-jump">
            <button type="button" class="button button-secondary" onClick={() => form?.scrollIntoView({ behavior: 'smooth', block: 'start' })}>
              {t('seals.newSeal')}
            </button>
          </div>
        </Show>
      }
    >
      <SealRefusals
        refusals={data.rows.refusals().filter((r) => r.subject.startsWith('seal:'))}
        stale={{ changes: data.changes(), statusOf: (sealId) => data.views().find((v) => v.seal.id === sealId)?.status }}
      />
      <Show when={directory.state() === 'unavailable'}>
        <p class="note note-warn">{t('seals.noDirectory')}</p>
      </Show>
      <div class="columns">
        <div class="column-main">
          <h2 class="section-title">{t('seals.listLabel')}</h2>
          <div class="seal-filter" role="group" aria-label={t('seals.filterLabel')}>
            <For each={filters()}>
              {(f) => (
                <button type="button" class="seal-filter-option" aria-pressed={filter() === f} data-filter={f} onClick={() => setFilter(f)}>
                  {filterLabel(f)} <span class="seal-filter-count">{counts().get(f) ?? 0}</span>
                </button>
              )}
            </For>
          </div>
          <Show when={sync.store()} fallback={<p class="loading">{t('common.loading')}</p>}>
            <Show when={shown().length > 0} fallback={<p class="empty">{data.views().length === 0 ? t('seals.none') : t('seals.noneMatching')}</p>}>
              <ul class="card-list seal-list" aria-label={t('seals.listLabel')} data-testid="seal-list">
                <For each={shown()}>
                  {(view) => (
                    <li>
                      <A
                        href={`/seals/${encodeURIComponent(view.seal.id)}`}
                        class="card seal-card"
                        data-seal-id={view.seal.id}
                        data-status={view.status ?? (awaiting(view) ? 'awaiting_approval' : 'unknown')}
                        data-waiting={sealIsWaiting(view.seal.id, data.rows.waiting()) ? 'true' : 'false'}
                      >
                        <SealImage seal={view.seal} unitName={directory.unitName(view.seal.unitId)} size="4.5rem" class="seal-card-image" />
                        <div class="card-body">
                          <div class="card-title">
                            <span class="seal-name">{view.seal.name}</span>
                            <SealStatusBadge status={view.status} awaiting={awaiting(view)} />
                            <Show when={sealIsWaiting(view.seal.id, data.rows.waiting())}>
                              <WaitingBadge />
                            </Show>
                          </div>
                          <p class="card-meta">
                            <span>{t(`sealKinds.${view.seal.kind}`)}</span>
                            <span>{t(`seals.formShort.${view.seal.form}`)}</span>
                          </p>
                          <dl class="seal-facts">
                            <div>
                              <dt>{t('seals.unit')}</dt>
                              <dd>{directory.unitName(view.seal.unitId)}</dd>
                            </div>
                            <div>
                              <dt>{t('seals.custodian')}</dt>
                              <dd>{directory.userName(view.seal.custodianId)}</dd>
                            </div>
                            <Show when={view.seal.form === 'physical' ? view.seal : undefined}>
                              {(physical) => (
                                <div>
                                  <dt>{t('seals.device')}</dt>
                                  <dd data-testid="seal-device">
                                    {physical().deviceId === null ? t('seals.notBound') : (devices().get(physical().deviceId!) === undefined ? physical().deviceId : deviceLabel(devices().get(physical().deviceId!)!))}
                                  </dd>
                                </div>
                              )}
                            </Show>
                          </dl>
                        </div>
                      </A>
                    </li>
                  )}
                </For>
              </ul>
            </Show>
          </Show>
        </div>
        <Show when={mayCreate()}>
          <div class="column-side" ref={form}>
            <NewSealForm session={props.session} data={data} routes={routes.routes()} onCreated={setNotice} />
          </div>
        </Show>
      </div>
    </Screen>
  );
}
