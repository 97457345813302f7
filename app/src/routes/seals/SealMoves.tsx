import { For, Show, createMemo, createSignal } from 'solid-js';
import { governanceActionOfMove, routeFor, unitChain, type ApprovalRoute, type ConfiguredRoute, type Millis, type SealRecord, type SealStatus, type User } from '@seal/shared';
import { askGovernance } from '../../api/governance';
import { useI18n } from '../../i18n/I18nProvider';
import { useDirectory } from '../../org/DirectoryProvider';
import { createAction } from '../../primitives/createAction';
import { StoreError } from '../../store/StoreError';
import { useSync } from '../../sync/SyncProvider';
import { ReasonDialog } from './ReasonDialog';
import { moveSeal } from './sealActions';
import { isFinalMove, moveName, movesFor } from './sealViews';

/**
 * The lifecycle moves the signed-in user may make on this seal now (legal from its status and
 * allowed for their roles; nothing for staff, approvers or auditors), each asking for a reason.
 * A move whose approval route asks for a review (`routeFor`: the admins' routes, else the
 * defaults) is offered as "apply to …" and sent as a governance request (ADR 009); any other
 * is recorded at once as a `seal_status_change` fact.
 */
export function SealMoves(props: {
  seal: SealRecord; status: SealStatus | null; since?: Millis | null; actor: User; routes?: readonly ConfiguredRoute[];
  onMoved: (to: SealStatus) => void; onAsked?: () => void;
}) {
  const { t } = useI18n();
  const sync = useSync();
  const directory = useDirectory();
  const moves = createMemo(() => movesFor(props.actor, props.seal, props.status, directory.units()));
  const [chosen, setChosen] = createSignal<SealStatus>();
  const routeOf = (to: SealStatus): ApprovalRoute | null =>
    props.status === null ? null : routeFor(props.seal.kind, unitChain(props.seal.unitId, directory.units()), governanceActionOfMove(props.status, to), props.routes ?? []);
  const plainLabel = (to: SealStatus): string => (props.status === null ? '' : t(`seals.moves.${moveName(props.status, to)}`));
  const label = (to: SealStatus): string => (routeOf(to) === null ? plainLabel(to) : t('governance.applyMove', { move: plainLabel(to) }));
  const move = createAction(async (to: SealStatus, reason: string) => {
    if (routeOf(to) !== null && props.status !== null) {
      await askGovernance(props.seal.id, governanceActionOfMove(props.status, to), reason);
      setChosen(undefined);
      props.onAsked?.();
      return;
    }
    const store = sync.store();
    if (store === undefined || props.status === null) throw new StoreError('closed', 'the local store is not open yet');
    await moveSeal(store, props.seal, props.status, to, props.actor, reason, directory.units(), props.since ?? null);
    setChosen(undefined);
    props.onMoved(to);
  });
  // A seal saved to await the approval of its making has no history yet by design, not by a sync still to come.
  const awaiting = () => props.status === null && routeFor(props.seal.kind, unitChain(props.seal.unitId, directory.units()), 'create', props.routes ?? []) !== null;
  const emptyText = (): string =>
    props.status === 'destroyed' ? t('seals.noMovesTerminal') : awaiting() ? t('seals.noMovesAwaiting') : props.status === null ? t('seals.noMovesUnknown') : t('seals.noMoves');
  return (
    <section class="panel seal-panel" aria-labelledby="seal-moves-title" data-testid="seal-moves">
      <h2 id="seal-moves-title">{t('seals.actionsTitle')}</h2>
      <Show when={moves().length > 0} fallback={<p class="muted">{emptyText()}</p>}>
        <div class="seal-moves">
          <For each={moves()}>
            {(to) => (
              <button
                type="button"
                class="button button-secondary"
                classList={{ 'button-danger-text': isFinalMove(to) }}
                data-move={to}
                data-apply={routeOf(to) === null ? undefined : 'true'}
                onClick={() => {
                  move.clearError();
                  setChosen(to);
                }}
              >
                {label(to)}
              </button>
            )}
          </For>
        </div>
      </Show>
      <ReasonDialog
        open={chosen() !== undefined}
        title={t('seals.moveTitle', { move: chosen() === undefined ? '' : label(chosen()!), name: props.seal.name })}
        confirmLabel={chosen() === undefined ? '' : label(chosen()!)}
        danger={chosen() !== undefined && isFinalMove(chosen()!)}
        pending={move.pending()}
        error={move.error()}
        onConfirm={(reason) => {
          const to = chosen();
          if (to !== undefined) void move.run(to, reason);
        }}
        onCancel={() => {
          setChosen(undefined);
          move.clearError();
        }}
      >
        <Show when={chosen() !== undefined && props.status !== null}>
          <p>{t('seals.moveBody', { from: t(`sealStatuses.${props.status!}`), to: t(`sealStatuses.${chosen()!}`) })}</p>
          <Show when={routeOf(chosen()!)}>
            {(route) => <p data-testid="apply-route">{t('governance.applyBody', { count: String(route().minApprovals) })}{chosen() === 'lost' ? ` ${t('governance.applyUrgent')}` : ''}</p>}
          </Show>
          <Show when={isFinalMove(chosen()!)}>
            <p class="text-danger">{t('seals.moveFinal')}</p>
          </Show>
        </Show>
      </ReasonDialog>
    </section>
  );
}
