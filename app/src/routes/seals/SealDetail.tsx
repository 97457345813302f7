import { A, useParams } from '@solidjs/router';
import { Show, createMemo, createSignal } from 'solid-js';
import { can, deviceLabel, subjectOf, type SealRecord } from '@seal/shared';
import type { SessionView as Session } from '@seal/shared';
import { Notice } from '../../components/Notice';
import { SealImage } from '../../components/SealImage';
import { RequireSession } from '../../components/RequireSession';
import { formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { useDirectory } from '../../org/DirectoryProvider';
import { useSync } from '../../sync/SyncProvider';
import { createSealData } from './createSealData';
import { SealBinding, type PhysicalSealRecord } from './SealBinding';
import { SealMoves } from './SealMoves';
import { SealGovernance } from './SealGovernance';
import { awaitsApproval } from './approvalRoutes';
import { createGovernanceData } from './createGovernanceData';
import { SealRefusals } from './SealRefusals';
import { SealStatusBadge, WaitingBadge } from './SealStatusBadge';
import { SealTimeline } from './SealTimeline';
import { movesFor, sealIsWaiting, sealSubject, timelineEntries } from './sealViews';
import './seals.css';
import './sealDetail.css';

const physicalOf = (seal: SealRecord): PhysicalSealRecord | undefined => (seal.form === 'physical' ? seal : undefined);

/** One seal: its details, its whole status history, its device, and the changes this user may make. */
export function SealDetail() {
  return <RequireSession>{(session) => <SealDetailScreen session={session} />}</RequireSession>;
}

function SealDetailScreen(props: { session: Session }) {
  const { t, locale } = useI18n();
  const params = useParams<{ id: string }>();
  const sync = useSync();
  const directory = useDirectory();
  const data = createSealData(() => props.session);
  const [notice, setNotice] = createSignal<string>();
  const governance = createGovernanceData(() => params.id, (what) => setNotice(t(`governance.${what}`)));
  const view = createMemo(() => data.views().find((v) => v.seal.id === params.id));
  const entries = createMemo(() => timelineEntries(data.changes().filter((c) => c.sealId === params.id), data.rows.refusedIds(), data.rows.waiting()));
  const refusals = createMemo(() => {
    const seal = view()?.seal;
    const deviceSubject = seal?.form === 'physical' && seal.deviceId !== null ? subjectOf('device', seal.deviceId) : undefined;
    return data.rows.refusals().filter((r) => r.subject === sealSubject(params.id) || (deviceSubject !== undefined && r.subject === deviceSubject));
  });
  const deviceOf = (id: string) => data.devices().find((d) => d.id === id);
  // Readers (staff, approvers, auditors) change nothing here: on one column their panels come last.
  const readOnly = createMemo(() => {
    const current = view();
    return current === undefined || (movesFor(data.actor(), current.seal, current.status, directory.units()).length === 0 && !can(data.actor(), 'seal.update', { unitId: current.seal.unitId }, directory.units()).ok);
  });

  return (
    <section class="screen seal-detail" aria-labelledby="seal-title">
      <A href="/seals" class="seal-back">
        ‹ {t('seals.back')}
      </A>
      <Show
        when={view()}
        fallback={
          <Show when={sync.store()} fallback={<p class="loading">{t('common.loading')}</p>}>
            <div class="panel panel-narrow" data-testid="seal-not-found">
              <h1 id="seal-title">{t('seals.notFound')}</h1>
              <p class="muted">{t('seals.notFoundBody')}</p>
            </div>
          </Show>
        }
      >
        {(current) => (
          <>
            <header class="screen-header seal-header">
              <SealImage seal={current().seal} unitName={directory.unitName(current().seal.unitId)} size="8rem" class="seal-header-image" />
              <h1 id="seal-title" class="seal-title" data-seal-id={current().seal.id} data-status={current().status ?? (awaitsApproval(current(), directory.units(), governance.routes()) ? 'awaiting_approval' : 'unknown')}>
                <span>{current().seal.name}</span>
                <SealStatusBadge status={current().status} awaiting={awaitsApproval(view(), directory.units(), governance.routes())} />
                <Show when={sealIsWaiting(current().seal.id, data.rows.waiting())}>
                  <WaitingBadge />
                </Show>
              </h1>
              <p class="lead">
                {t(`sealKinds.${current().seal.kind}`)} · {t(`sealForms.${current().seal.form}`)}
              </p>
            </header>
            <Notice message={notice()} />
            <SealRefusals refusals={refusals()} stale={{ changes: data.changes(), statusOf: () => current().status }} />
            <div class="columns">
              <div class="column-main seal-main">
                <section class="panel" aria-labelledby="seal-details-title">
                  <h2 id="seal-details-title">{t('seals.detailsTitle')}</h2>
                  <dl class="seal-details" data-testid="seal-details">
                    <div>
                      <dt>{t('seals.unit')}</dt>
                      <dd>{directory.unitName(current().seal.unitId)}</dd>
                    </div>
                    <div>
                      <dt>{t('seals.custodian')}</dt>
                      <dd data-testid="seal-custodian">{directory.userName(current().seal.custodianId)}</dd>
                    </div>
                    <div>
                      <dt>{t('seals.code')}</dt>
                      <dd class="seal-code">{current().seal.antiCounterfeitCode ?? t('seals.noCode')}</dd>
                    </div>
                    <div>
                      <dt>{t('seals.createdAt')}</dt>
                      <dd>{formatDateTime(current().seal.createdAt, locale())}</dd>
                    </div>
                    <div>
                      <dt>{t('seals.sealId')}</dt>
                      <dd class="seal-id">{current().seal.id}</dd>
                    </div>
                  </dl>
                </section>
                <section class="panel" aria-labelledby="seal-timeline-title">
                  <h2 id="seal-timeline-title">{t('seals.timelineTitle')}</h2>
                  <SealTimeline entries={entries()} refusals={data.rows.refusals()} approversOf={governance.approversOf} />
                </section>
              </div>
              <div class="column-side seal-side" classList={{ 'is-read-only': readOnly() }}>
                <SealMoves
                  seal={current().seal}
                  status={current().status}
                  since={current().since}
                  actor={data.actor()}
                  routes={governance.routes()}
                  onMoved={(to) => setNotice(t('seals.moved', { to: t(`sealStatuses.${to}`) }))}
                  onAsked={governance.onAsked}
                />
                <SealGovernance seal={current().seal} status={current().status} actor={data.actor()} governance={governance} onNotice={setNotice} />
                <Show when={physicalOf(current().seal)}>
                  {(physical) => (
                    <SealBinding
                      seal={physical()}
                      status={current().status}
                      actor={data.actor()}
                      devices={data.devices()}
                      onChanged={(deviceId) =>
                        setNotice(deviceId === null ? t('seals.unbound') : t('seals.bound', { device: (deviceOf(deviceId) === undefined ? deviceId : deviceLabel(deviceOf(deviceId)!)) }))
                      }
                    />
                  )}
                </Show>
              </div>
            </div>
          </>
        )}
      </Show>
    </section>
  );
}
