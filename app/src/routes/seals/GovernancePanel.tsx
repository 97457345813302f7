import { For, Show } from 'solid-js';
import { can, routeSteps, type User, type Verdict } from '@seal/shared';
import { sendGovernanceDecision, type GovernanceRequestView } from '../../api/governance';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { useDirectory } from '../../org/DirectoryProvider';
import { createAction } from '../../primitives/createAction';
import { signGovernanceDecision } from '../../requests/signGovernanceDecision';

/**
 * The governance requests on a seal: what was asked, by whom and why, the proposed change, where
 * its route stands. An approver who may decide sees the proposed change right above the buttons
 * and confirms it with a passkey (the payload signed names the change).
 */
export function GovernancePanel(props: { requests: readonly GovernanceRequestView[]; actor: User; onDecided: () => void }) {
  const { t } = useI18n();
  return (
    <section class="panel seal-panel" aria-labelledby="seal-governance-title" data-testid="seal-governance">
      <h2 id="seal-governance-title">{t('governance.title')}</h2>
      <Show when={props.requests.length > 0} fallback={<p class="muted">{t('governance.none')}</p>}>
        <ul class="governance-list">
          <For each={props.requests}>{(view) => <GovernanceItem view={view} actor={props.actor} onDecided={props.onDecided} />}</For>
        </ul>
      </Show>
    </section>
  );
}

/** One request: its terms, its progress, and — for an approver who may decide it — the passkey buttons. */
export function GovernanceItem(props: { view: GovernanceRequestView; actor: User; onDecided: () => void }) {
  const { t, locale } = useI18n();
  const directory = useDirectory();
  const request = () => props.view.request;
  const own = () => request().requesterId === props.actor.id;
  const decided = () => request().decisions.some((d) => d.approverId === props.actor.id);
  const mayDecide = () =>
    request().state === 'pending' && !decided() && can(props.actor, 'request.decide', { unitId: request().unitId, requesterId: request().requesterId }, directory.units()).ok;
  const decide = createAction(async (verdict: Verdict) => {
    const { payload, assertion } = await signGovernanceDecision(request(), verdict);
    await sendGovernanceDecision(request().id, payload, assertion);
    props.onDecided();
  });
  const status = (s: string | null | undefined) => (s ? t(`sealStatuses.${s as 'active'}`) : '—');
  const proposalText = (): string => {
    const { action, proposal } = request();
    if (action === 'create') return t('governance.proposalCreate');
    if (action === 'rename') return t('governance.proposalRename', { name: proposal.name ?? '' });
    if (action === 'change_custodian') return t('governance.proposalCustodian', { name: directory.userName(proposal.custodianId ?? '') });
    return t('governance.proposal', { from: status(proposal.from), to: status(proposal.to) });
  };
  return (
    <li class="governance-item" data-testid="governance-request" data-request-id={request().id} data-action={request().action} data-state={request().state}>
      <p class="governance-head">
        <strong>{t(`governance.action_${request().action}`)}</strong> · <span>{t(`governance.state_${request().state}`)}</span>
      </p>
      <p class="muted">{t('governance.askedBy', { name: directory.userName(request().requesterId), date: formatDateTime(request().createdAt, locale()) })}</p>
      <p>{t('governance.reason', { reason: request().reason })}</p>
      <p data-testid="governance-proposal">{proposalText()}</p>
      <Show when={request().state === 'pending'}>
        <p>{t('governance.progress', { missing: String(props.view.missing), step: String(Math.min(props.view.openStep, routeSteps(props.view.route).length)), steps: String(routeSteps(props.view.route).length) })}</p>
        <Show when={request().appliedChangeId !== undefined}>
          <p class="text-danger">{t('governance.urgentApplied')}</p>
        </Show>
      </Show>
      <Show when={props.view.approvedBy.length > 0}>
        <p>{t('governance.approvedBy', { names: props.view.approvedBy.map((id) => directory.userName(id)).join(', ') })}</p>
      </Show>
      <Show when={own() && request().state === 'pending'}>
        <p class="muted">{t('governance.ownRequest')}</p>
      </Show>
      <Show when={mayDecide()}>
        <div class="seal-moves">
          <button type="button" class="button" data-governance-verdict="approve" disabled={decide.pending()} onClick={() => void decide.run('approve')}>
            {t('governance.approve')}
          </button>
          <button type="button" class="button button-secondary button-danger-text" data-governance-verdict="reject" disabled={decide.pending()} onClick={() => void decide.run('reject')}>
            {t('governance.reject')}
          </button>
        </div>
        <ErrorAlert error={decide.error()} />
      </Show>
    </li>
  );
}
