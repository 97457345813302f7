import { Match, Show, Switch, createSignal } from 'solid-js';
import type { UserId, Verdict } from '@seal/shared';
import type { SessionView as Session } from '@seal/shared';
import { holdsRole } from '../../auth/roles';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { Notice } from '../../components/Notice';
import { Progress } from '../../components/Progress';
import { useI18n } from '../../i18n/I18nProvider';
import { useDirectory } from '../../org/DirectoryProvider';
import { createAction } from '../../primitives/createAction';
import { approvalHold, type ApprovalHold, type DocumentCheck } from '../../requests/documentCheck';
import { recordDecision } from '../../requests/requestActions';
import { mayDecide, verdictOf, type RequestEntry } from '../../requests/requestBook';
import { useRequests } from '../../requests/RequestsProvider';
import { DecisionSigningError, signDecision } from '../../requests/signDecision';
import { useSync } from '../../sync/SyncProvider';

/**
 * An approver's part of a request: approve or reject, each confirmed with their passkey over the
 * request's terms and the verdict (a rejection needs a reason). The decision is recorded on this
 * device and syncs; if it completes the approval route, the app issues the grant from the store.
 */
export function DecidePanel(props: { session: Session; entry: RequestEntry; document: DocumentCheck }) {
  const { t } = useI18n();
  const sync = useSync();
  const directory = useDirectory();
  const requests = useRequests();
  const [comment, setComment] = createSignal('');
  const [reasonMissing, setReasonMissing] = createSignal(false);
  const [notice, setNotice] = createSignal<string>();
  const me = () => requests.me();
  const mine = () => verdictOf(props.entry, props.session.user.id);
  const own = () => props.entry.request.requesterId === props.session.user.id;
  const mayI = () => {
    const user = me();
    return user !== undefined && mayDecide(user, props.entry, directory.units());
  };

  const decide = createAction(async (verdict: Verdict) => {
    const store = sync.store();
    if (store === undefined) return;
    const body = await signDecision({
      request: props.entry.request,
      verdict,
      approverId: props.session.user.id as UserId,
      comment: comment(),
      ...(directory.directory() === undefined ? {} : { roster: directory.directory()!.roster }),
      now: store.now,
    });
    // No grant is issued here: the store's observer issues it once the route is met (grantIssuer).
    await recordDecision(store, props.entry.request, body);
    // Offline, the decision waits to go up; online it may still be on its way, which is not news.
    setNotice(navigator.onLine ? t('approvals.recorded') : t('approvals.recordedOffline'));
    setComment('');
  });
  // An approval is signed only on a document seen here that matches the fingerprint; rejecting needs none.
  const hold = () => approvalHold(props.document);
  const run = (verdict: Verdict): void => {
    setNotice(undefined);
    if (verdict === 'approve' && hold() !== undefined) return;
    if (verdict === 'reject' && comment().trim() === '') {
      setReasonMissing(true);
      document.getElementById('decision-comment')?.focus();
      return;
    }
    setReasonMissing(false);
    void decide.run(verdict);
  };
  const signingError = () => {
    const err = decide.error();
    return err instanceof DecisionSigningError ? err : undefined;
  };

  return (
    <Show when={holdsRole(props.session, 'approver')}>
      <section class="panel decide-panel" aria-labelledby="decide-title" data-testid="decide-panel">
        <h2 id="decide-title">{t('approvals.decideTitle')}</h2>
        <Notice message={notice()} />
        <Switch>
          <Match when={mine()}>
            {(verdict) => (
              <p class="verdict" data-testid="my-verdict" data-verdict={verdict()}>
                {t('approvals.yourVerdict', { verdict: t(`requests.verdict_${verdict()}`) })}
              </p>
            )}
          </Match>
          <Match when={own()}>
            <p class="muted">{t('approvals.ownRequest')}</p>
          </Match>
          <Match when={props.entry.view?.status !== 'pending'}>
            <p class="muted">{t(`requestStatuses.${props.entry.view?.status ?? 'pending'}`)}</p>
          </Match>
          <Match when={!mayI()}>
            <p class="muted">{t('approvals.notYours')}</p>
          </Match>
          <Match when={true}>
            <p class="muted">{t('approvals.decideLead')}</p>
            <Field id="decision-comment" label={t('approvals.commentLabel')} hint={reasonMissing() ? undefined : t('approvals.commentHint')}>
              <textarea
                id="decision-comment"
                class="input"
                rows={3}
                maxLength={2000}
                value={comment()}
                onInput={(e) => {
                  setComment(e.currentTarget.value);
                  if (e.currentTarget.value.trim() !== '') setReasonMissing(false);
                }}
                disabled={decide.pending()}
                aria-invalid={reasonMissing() ? 'true' : undefined}
              />
              <Show when={reasonMissing()}>
                <p class="field-problem" data-field="comment">
                  {t('approvals.reasonRequired')}
                </p>
              </Show>
            </Field>
            <Progress message={decide.pending() ? t('approvals.signing') : undefined} />
            <Show when={signingError()} fallback={<ErrorAlert error={decide.error()} />}>
              {(err) => (
                <p class="alert alert-error" role="alert" data-error-code={err().code}>
                  {t(`approvals.errors.${err().code}`)}
                </p>
              )}
            </Show>
            <DecideActions hold={hold()} pending={decide.pending()} onDecide={run} />
          </Match>
        </Switch>
      </section>
    </Show>
  );
}

/** Approve and reject, with the word that holds approving back while the document is not seen. */
function DecideActions(props: { hold: ApprovalHold | undefined; pending: boolean; onDecide: (verdict: Verdict) => void }) {
  const { t } = useI18n();
  return (
    <>
      <Show when={props.hold}>
        {(why) => (
          <p id="approve-hold" class={why() === 'document_mismatch' || why() === 'document_ambiguous' ? 'alert alert-error' : 'note note-warn'} data-testid="approve-hold" data-hold={why()}>
            {t(`approvals.hold.${why()}`)}
          </p>
        )}
      </Show>
      <div class="form-actions decide-actions">
        <button
          type="button"
          class="button button-primary button-large"
          disabled={props.pending || props.hold !== undefined}
          aria-describedby={props.hold === undefined ? undefined : 'approve-hold'}
          onClick={() => props.onDecide('approve')}
        >
          {t('approvals.approve')}
        </button>
        <button type="button" class="button button-secondary button-danger-text button-large" disabled={props.pending} onClick={() => props.onDecide('reject')}>
          {t('approvals.reject')}
        </button>
      </div>
    </>
  );
}
