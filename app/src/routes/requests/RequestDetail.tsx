import { A, useParams, useSearchParams } from '@solidjs/router';
import { For, Show, createSignal } from 'solid-js';
import type { UserId } from '@seal/shared';
import type { SessionView as Session } from '@seal/shared';
import { holdsRole } from '../../auth/roles';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Field } from '../../components/Field';
import { Notice } from '../../components/Notice';
import { RequireSession } from '../../components/RequireSession';
import { formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { useDirectory } from '../../org/DirectoryProvider';
import { createAction } from '../../primitives/createAction';
import { recordCancellation } from '../../requests/requestActions';
import type { DocumentCheck } from '../../requests/documentCheck';
import type { RequestEntry } from '../../requests/requestBook';
import { useRequests } from '../../requests/RequestsProvider';
import { useSync } from '../../sync/SyncProvider';
import { DecidePanel } from './DecidePanel';
import { DocumentPreview } from './DocumentPreview';
import { ProcessSheetPanel } from './ProcessSheetPanel';
import { RefusedRows, StatusBadge, WaitingBadge } from './RequestCard';
import { RequestTerms } from './RequestTerms';

/** `/requests/:id`: a request's terms, derived status, decisions, grant and uses; withdraw it; decide it. */
export function RequestDetail() {
  return <RequireSession>{(session) => <RequestScreen session={session} />}</RequireSession>;
}

function RequestScreen(props: { session: Session }) {
  const { t } = useI18n();
  const params = useParams<{ id: string }>();
  const [search] = useSearchParams<{ submitted?: string }>();
  const requests = useRequests();
  const entry = () => requests.entry(params.id);
  // What the preview found about the document: the decision panel approves only what was seen.
  const [documentCheck, setDocumentCheck] = createSignal<DocumentCheck>({ state: 'none' });
  // Someone else's request is opened from the approval inbox: the way back leads there.
  const fromInbox = (): boolean => {
    const e = entry();
    return e === undefined ? !holdsRole(props.session, 'staff') : e.request.requesterId !== props.session.user.id && holdsRole(props.session, 'approver');
  };
  return (
    <section class="screen request-detail" aria-labelledby="request-title">
      <Show
        when={fromInbox()}
        fallback={
          <A href="/requests" class="back-link">
            {t('requests.backToList')}
          </A>
        }
      >
        <A href="/approvals" class="back-link">
          {t('approvals.backToInbox')}
        </A>
      </Show>
      <Show
        when={entry()}
        fallback={
          <div class="panel">
            <h1 id="request-title">{t('requests.detailTitle')}</h1>
            <p class="muted">{t('requests.notHeld')}</p>
          </div>
        }
      >
        {(e) => (
          <>
            <header class="screen-header">
              <h1 id="request-title">{e().request.document.title}</h1>
              <p class="request-status-line" data-testid="request-status-line">
                <StatusBadge status={e().view?.status} />
                <WaitingBadge requestId={e().request.id} />
              </p>
            </header>
            <Show when={search.submitted === '1' && e().request.requesterId === props.session.user.id}>
              <Notice message={requests.isRequestWaiting(e().request.id) ? t('requests.createdOffline') : t('requests.created')} />
            </Show>
            <RefusedRows requestId={e().request.id} />
            <div class="columns">
              <div class="column-main request-main">
                <section class="panel" aria-labelledby="terms-title">
                  <h2 id="terms-title">{t('requests.termsTitle')}</h2>
                  <RequestTerms request={e().request} seal={e().seal} />
                </section>
                <DocumentPreview request={e().request} own={e().request.requesterId === props.session.user.id} onCheck={setDocumentCheck} />
                <Decisions entry={e()} />
                <Uses entry={e()} />
              </div>
              <div class="column-side request-side">
                <DecidePanel session={props.session} entry={e()} document={documentCheck()} />
                <GrantPanel entry={e()} session={props.session} />
                <ProcessSheetPanel entry={e()} session={props.session} />
                <CancelPanel entry={e()} session={props.session} />
              </div>
            </div>
          </>
        )}
      </Show>
    </section>
  );
}

function Decisions(props: { entry: RequestEntry }) {
  const { t, locale } = useI18n();
  const directory = useDirectory();
  const view = () => props.entry.view;
  return (
    <section class="panel" aria-labelledby="decisions-title">
      <h2 id="decisions-title">{t('requests.decisionsTitle')}</h2>
      <Show when={props.entry.decisions.length > 0} fallback={<p class="muted">{t('requests.noDecisions')}</p>}>
        <ul class="decision-list" data-testid="decisions">
          <For each={props.entry.decisions}>
            {(d) => (
              <li data-testid="decision" data-verdict={d.payload.verdict} data-approver-id={d.approverId}>
                <span class="decision-who">{directory.userName(d.approverId)}</span>
                <span class={`badge verdict-${d.payload.verdict}`}>{t(`requests.verdict_${d.payload.verdict}`)}</span>
                <span class="muted">{formatDateTime(d.at, locale())}</span>
                <Show when={d.comment}>{(comment) => <span class="decision-comment">{t('requests.comment', { comment: comment() })}</span>}</Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={view()?.status === 'pending' && view()!.approvals.missing > 0}>
        <p class="note note-quiet" data-testid="approvals-missing">
          {t('requests.missing', { count: String(view()!.approvals.missing) })}
          <Show when={view()!.approvals.needsNonCustodian}> {t('requests.needsNonCustodian')}</Show>
        </p>
      </Show>
      <Show when={view()?.cancellation}>
        {(c) => <p class="note note-quiet">{t('requests.cancelledBy', { name: directory.userName(c().actorId), date: formatDateTime(c().at, locale()) })}</p>}
      </Show>
    </section>
  );
}

function Uses(props: { entry: RequestEntry }) {
  const { t, locale } = useI18n();
  const view = () => props.entry.view;
  return (
    <Show when={view() !== undefined && (view()!.usesApproved > 0 || view()!.stamps.length > 0)}>
      <section class="panel" aria-labelledby="uses-title">
        <h2 id="uses-title">{t('requests.usesTitle')}</h2>
        <p data-testid="uses-summary">
          {t('requests.usesSummary', { consumed: String(view()!.usesConsumed), approved: String(view()!.usesApproved), remaining: String(view()!.usesRemaining) })}
        </p>
        <Show when={view()!.stamps.length > 0} fallback={<p class="muted">{t('requests.noUses')}</p>}>
          <ul class="decision-list" data-testid="stamps">
            <For each={view()!.stamps}>
              {(s) => (
                <li data-authorised={String(s.authorised)}>
                  <span>{t('requests.stampLine', { n: String(s.ordinal), date: formatDateTime(s.at, locale()) })}</span>
                  <Show when={!s.authorised}>
                    <span class="badge status-badge status-halted" title={s.anomalies.join(', ')}>
                      {t('requests.anomaly')}
                    </span>
                  </Show>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </section>
    </Show>
  );
}

function GrantPanel(props: { entry: RequestEntry; session: Session }) {
  const { t, locale } = useI18n();
  const view = () => props.entry.view;
  const approved = () => view()?.status === 'approved' || view()?.status === 'in_use' || view()?.status === 'completed';
  const grant = () => props.entry.grants.find((g) => view()?.grantIds.includes(g.id));
  const possible = () => props.entry.seal?.form === 'physical' && props.entry.seal.deviceId !== null;
  return (
    <Show when={approved()}>
      <section class="panel" aria-labelledby="grant-title" data-testid="grant-panel">
        <h2 id="grant-title">{t('requests.grantTitle')}</h2>
        <Show when={props.entry.seal?.form === 'electronic'}>
          {/* An electronic seal has no device: the approved PDF is stamped on the stamping screen. */}
          <p data-testid="electronic-approved">{props.entry.request.requesterId === props.session.user.id ? t('requests.electronicStampYours') : t('requests.electronicStampTheirs')}</p>
          <Show when={props.entry.request.requesterId === props.session.user.id}>
            <A href="/stamp" class="button button-primary">{t('requests.goStamp')}</A>
          </Show>
        </Show>
        <Show when={grant()} fallback={<Show when={props.entry.seal?.form !== 'electronic'}><p class="muted">{possible() ? t('requests.grantNone') : t('requests.grantNotPossible')}</p></Show>}>
          {(g) => (
            <>
              <p data-testid="grant-issued" data-grant-id={g().id}>
                {t('requests.grantIssued', { device: g().deviceId, uses: String(g().uses), until: formatDateTime(g().window.notAfter, locale()) })}
              </p>
              <Show when={g().holderId === props.session.user.id}>
                <A href="/stamp" class="button button-primary">
                  {t('requests.goStamp')}
                </A>
              </Show>
            </>
          )}
        </Show>
      </section>
    </Show>
  );
}

function CancelPanel(props: { entry: RequestEntry; session: Session }) {
  const { t } = useI18n();
  const sync = useSync();
  const [open, setOpen] = createSignal(false);
  const [reason, setReason] = createSignal('');
  const [reasonMissing, setReasonMissing] = createSignal(false);
  const [notice, setNotice] = createSignal<string>();
  const status = () => props.entry.view?.status;
  const mayCancel = () => props.entry.request.requesterId === props.session.user.id && (status() === 'pending' || status() === 'approved');
  const cancel = createAction(async () => {
    const store = sync.store();
    if (store === undefined) return;
    await recordCancellation(store, props.entry, props.session.user.id as UserId, reason());
    setOpen(false);
    setReason('');
    setNotice(t('requests.cancelRecorded'));
  });
  const confirm = (): void => {
    if (reason().trim() === '') {
      setReasonMissing(true);
      return;
    }
    setReasonMissing(false);
    void cancel.run();
  };
  return (
    <>
      <Notice message={notice()} />
      <Show when={mayCancel()}>
        <div class="form-actions">
          <button
            type="button"
            class="button button-secondary button-danger-text"
            onClick={() => {
              cancel.clearError();
              setOpen(true);
            }}
          >
            {t('requests.cancel')}
          </button>
        </div>
      </Show>
      <ConfirmDialog
        open={open()}
        title={t('requests.cancelTitle')}
        confirmLabel={t('requests.cancelConfirm')}
        pending={cancel.pending()}
        error={cancel.error()}
        onConfirm={confirm}
        onCancel={() => {
          setOpen(false);
          cancel.clearError();
        }}
      >
        <p>{t('requests.cancelBody')}</p>
        <Field id="cancel-reason" label={t('requests.cancelReason')}>
          <textarea id="cancel-reason" class="input" rows={2} maxLength={2000} value={reason()} onInput={(e) => setReason(e.currentTarget.value)} disabled={cancel.pending()} aria-invalid={reasonMissing() ? 'true' : undefined} />
          <Show when={reasonMissing()}>
            <p class="field-problem">{t('requests.reasonRequired')}</p>
          </Show>
        </Field>
      </ConfirmDialog>
    </>
  );
}
