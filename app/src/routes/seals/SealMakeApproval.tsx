import { Show, createMemo, createSignal } from 'solid-js';
import { can, type ConfiguredRoute, type SealRecord, type SealStatus, type User } from '@seal/shared';
import { askGovernance, type GovernanceRequestView } from '../../api/governance';
import { useI18n } from '../../i18n/I18nProvider';
import { useDirectory } from '../../org/DirectoryProvider';
import { createAction } from '../../primitives/createAction';
import { governanceRoute } from './approvalRoutes';
import { ReasonDialog } from './ReasonDialog';
import { routeText } from './routeText';

/**
 * A seal saved without its first move because making it goes through an approval route (ADR 009):
 * says it awaits approval and by whom; while no `create` request is open, whoever may make seals
 * here asks for one (needed when the seal was made offline). The server makes the seal active
 * once the approvers approve.
 */
export function SealMakeApproval(props: { seal: SealRecord; status: SealStatus | null; actor: User; routes: readonly ConfiguredRoute[]; requests: readonly GovernanceRequestView[]; onAsked: () => void }) {
  const { t } = useI18n();
  const directory = useDirectory();
  const route = createMemo(() => (props.status === null ? governanceRoute(props.seal.kind, props.seal.unitId, 'create', directory.units(), props.routes) : null));
  const asked = () => props.requests.some((view) => view.request.action === 'create' && view.request.state === 'pending');
  const mayAsk = () => !asked() && can(props.actor, 'seal.create', { unitId: props.seal.unitId }, directory.units()).ok;
  const [open, setOpen] = createSignal(false);
  const ask = createAction(async (reason: string) => {
    if (!navigator.onLine) throw new Error(t('governance.applyOffline'));
    await askGovernance(props.seal.id, 'create', reason);
    setOpen(false);
    props.onAsked();
  });
  return (
    <Show when={route()}>
      {(made) => (
        <section class="panel seal-panel" aria-labelledby="seal-make-title" data-testid="seal-make-approval">
          <h2 id="seal-make-title">{t('seals.awaitingApproval')}</h2>
          <p>{t('governance.awaitingMake', { route: routeText(t, made(), (id) => directory.unitName(id)) })}</p>
          <Show when={asked()}>
            <p class="muted">{t('governance.awaitingMakeAsked')}</p>
          </Show>
          <Show when={mayAsk()}>
            <div class="seal-moves">
              <button type="button" class="button" data-apply="create" onClick={() => { ask.clearError(); setOpen(true); }}>
                {t('governance.askMake')}
              </button>
            </div>
          </Show>
          <ReasonDialog
            open={open()}
            title={t('governance.askMakeTitle', { name: props.seal.name })}
            confirmLabel={t('governance.askMake')}
            danger={false}
            pending={ask.pending()}
            error={ask.error()}
            onConfirm={(reason) => void ask.run(reason)}
            onCancel={() => { setOpen(false); ask.clearError(); }}
          >
            <p>{t('governance.askMakeBody', { route: routeText(t, made(), (id) => directory.unitName(id)) })}</p>
          </ReasonDialog>
        </section>
      )}
    </Show>
  );
}
