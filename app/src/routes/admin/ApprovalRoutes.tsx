import { For, Index, Show, createMemo, createSignal } from 'solid-js';
import { can, GOVERNANCE_ACTIONS, SEAL_KINDS, steppedRoute, type ConfiguredRoute, type GovernanceAction, type SealKind, type SessionView as Session, type UnitId } from '@seal/shared';
import { fetchApprovalRouteList, removeApprovalRoute, saveApprovalRoute } from '../../api/governance';
import { actorFromSession } from '../../auth/actorFromSession';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { RequireSession } from '../../components/RequireSession';
import { Screen } from '../../components/Screen';
import { Select } from '../../components/Select';
import { UnitSelect } from '../../components/UnitSelect';
import { colon, formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { useDirectory } from '../../org/DirectoryProvider';
import { createAction } from '../../primitives/createAction';
import { createLoad } from '../../primitives/createLoad';
import { routeText } from '../seals/routeText';
import { unitTreeRows } from './unitTree';
import type { UnitChoice } from '../../components/unitOptions';

/** `/admin/routes`: administrators set which changes of a seal need approval, by whom (ADR 009). */
export function ApprovalRoutes() {
  return <RequireSession role="admin">{(session) => <RouteManager session={session} />}</RequireSession>;
}

interface StepDraft {
  readonly count: string;
  readonly approverUnitId: string;
}

const MAX_STEPS = 5;
const blankStep = (): StepDraft => ({ count: '1', approverUnitId: '' });

function RouteManager(props: { session: Session }) {
  const { t } = useI18n();
  const directory = useDirectory();
  const routes = createLoad(fetchApprovalRouteList);
  const actor = createMemo(() => actorFromSession(props.session.user));
  const [notice, setNotice] = createSignal<string>();
  const [editing, setEditing] = createSignal<string>();
  const [unitId, setUnitId] = createSignal('');
  const [sealKind, setSealKind] = createSignal<SealKind>('official');
  const [purpose, setPurpose] = createSignal<GovernanceAction>('create');
  const [steps, setSteps] = createSignal<StepDraft[]>([{ count: '2', approverUnitId: '' }]);
  const [toRemove, setToRemove] = createSignal<ConfiguredRoute>();

  const allRows = createMemo(() => unitTreeRows(directory.directory()?.units ?? []));
  const managed = createMemo(() => allRows().filter((row) => can(actor(), 'unit.manage', { unitId: row.unit.id as UnitId }, directory.units()).ok));
  const chosenUnit = () => (unitId() !== '' ? unitId() : (managed()[0]?.unit.id ?? ''));
  const listed = createMemo(() => [...(routes.data()?.routes ?? [])].sort((a, b) =>
    directory.unitName(a.unitId).localeCompare(directory.unitName(b.unitId)) || a.sealKind.localeCompare(b.sealKind) || GOVERNANCE_ACTIONS.indexOf(a.purpose as GovernanceAction) - GOVERNANCE_ACTIONS.indexOf(b.purpose as GovernanceAction)));
  const purposeName = (p: string) => t(`governance.action_${p as GovernanceAction}`);
  const kindName = (k: SealKind) => t(`sealKinds.${k}`);

  const reset = (): void => {
    setEditing(undefined);
    setSteps([{ count: '2', approverUnitId: '' }]);
  };
  const startEdit = (route: ConfiguredRoute): void => {
    setEditing(route.id);
    setUnitId(route.unitId);
    setSealKind(route.sealKind);
    setPurpose(route.purpose as GovernanceAction);
    setSteps(route.steps.map((step) => ({ count: String(step.count), approverUnitId: step.approverUnitId ?? '' })));
    document.getElementById('route-unit')?.focus();
  };

  const save = createAction(async () => {
    const unit = chosenUnit();
    // One route per unit, kind and change: setting it again replaces the one there — when it is the
    // person's to change. One set above their reach (HQ's on a branch) stays; theirs goes beside it,
    // and asks at least as much (the server holds it to that).
    const mine = routes.data()?.managed ?? new Set<string>();
    const existing = (routes.data()?.routes ?? []).find((r) => r.unitId === unit && r.sealKind === sealKind() && r.purpose === purpose() && mine.has(r.id));
    const fresh = `${unit}.${sealKind()}.${purpose()}`.slice(0, 120);
    const taken = (id: string) => (routes.data()?.routes ?? []).some((r) => r.id === id);
    const id = editing() ?? existing?.id ?? (taken(fresh) ? `${fresh}.${crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36)}` : fresh);
    await saveApprovalRoute(id, {
      sealKind: sealKind(), unitId: unit, purpose: purpose(),
      steps: steps().map((step) => ({ count: Number(step.count), ...(step.approverUnitId !== '' ? { approverUnitId: step.approverUnitId as UnitId } : {}) })),
    });
    reset();
    setNotice(t('approvalRoutes.saved'));
    await routes.reload();
  });
  const remove = createAction(async (route: ConfiguredRoute) => {
    await removeApprovalRoute(route.id);
    setToRemove(undefined);
    if (editing() === route.id) reset();
    setNotice(t('approvalRoutes.removed'));
    await routes.reload();
  });

  const onSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    save.clearError();
    void save.run();
  };

  return (
    <Screen id="approval-routes" title={t('approvalRoutes.title')} lead={t('approvalRoutes.lead')} notice={notice()}>
      <p class="note note-quiet">{t('approvalRoutes.defaults')}</p>
      <div class="columns">
        <section class="column-main" aria-labelledby="routes-list-title">
          <h2 id="routes-list-title" class="section-title">{t('approvalRoutes.listTitle')}</h2>
          <ErrorAlert error={routes.error()} />
          <RouteList routes={listed()} managed={routes.data()?.managed ?? new Set()} onEdit={startEdit} onRemove={(route) => { remove.clearError(); setToRemove(route); }} />
        </section>
        <form class="column-side panel form" aria-labelledby="route-form-title" onSubmit={onSubmit} novalidate data-testid="route-form">
          <h2 id="route-form-title">{editing() === undefined ? t('approvalRoutes.formTitleNew') : t('approvalRoutes.formTitleEdit')}</h2>
          <Field id="route-unit" label={t('approvalRoutes.unit')}>
            <UnitSelect id="route-unit" value={chosenUnit()} units={managed()} onChange={setUnitId} disabled={save.pending() || editing() !== undefined} />
          </Field>
          <Field id="route-kind" label={t('approvalRoutes.sealKind')}>
            <Select id="route-kind" value={sealKind()} options={SEAL_KINDS.map((k) => ({ value: k, label: kindName(k) }))} onChange={(v) => setSealKind(v as SealKind)} disabled={save.pending() || editing() !== undefined} />
          </Field>
          <Field id="route-purpose" label={t('approvalRoutes.purpose')}>
            <Select id="route-purpose" value={purpose()} options={GOVERNANCE_ACTIONS.map((p) => ({ value: p, label: purposeName(p) }))} onChange={(v) => setPurpose(v as GovernanceAction)} disabled={save.pending() || editing() !== undefined} />
          </Field>
          <StepsEditor steps={steps()} units={allRows()} disabled={save.pending()} onChange={setSteps} />
          <ErrorAlert error={save.error()} />
          <div class="form-actions">
            <button type="submit" class="button button-primary" disabled={save.pending() || chosenUnit() === ''}>
              {t('approvalRoutes.save')}
            </button>
            <Show when={editing() !== undefined}>
              <button type="button" class="button button-secondary" onClick={reset}>
                {t('approvalRoutes.cancelEdit')}
              </button>
            </Show>
          </div>
        </form>
      </div>
      <ConfirmDialog
        open={toRemove() !== undefined}
        title={t('approvalRoutes.removeTitle')}
        confirmLabel={t('approvalRoutes.remove')}
        pending={remove.pending()}
        error={remove.error()}
        onConfirm={() => { const route = toRemove(); if (route) void remove.run(route); }}
        onCancel={() => setToRemove(undefined)}
      >
        <Show when={toRemove()}>
          {(route) => <p>{t('approvalRoutes.removeBody', { purpose: purposeName(route().purpose), kind: kindName(route().sealKind), unit: directory.unitName(route().unitId) })}</p>}
        </Show>
      </ConfirmDialog>
    </Screen>
  );
}

/** The steps of a route being set: each with its number of approvers and, optionally, the unit they must approve on. */
function StepsEditor(props: { steps: readonly StepDraft[]; units: readonly UnitChoice[]; disabled: boolean; onChange: (steps: StepDraft[]) => void }) {
  const { t } = useI18n();
  const setStep = (index: number, change: Partial<StepDraft>): void => props.onChange(props.steps.map((step, i) => (i === index ? { ...step, ...change } : step)));
  const removeStep = (index: number): void => props.onChange(props.steps.filter((_, i) => i !== index));
  const addStep = (): void => props.onChange([...props.steps, blankStep()]);
  const countOptions = Array.from({ length: 10 }, (_, i) => ({ value: String(i + 1), label: String(i + 1) }));
  return (
    <fieldset class="route-steps">
      <legend>{t('approvalRoutes.stepsTitle')}</legend>
      <p class="field-hint">{t('approvalRoutes.stepsHint')}</p>
      <Index each={props.steps}>
        {(step, index) => (
          <fieldset class="route-step" data-testid="route-step">
            <legend>{t('approvalRoutes.step', { n: String(index + 1) })}</legend>
            <Field id={`route-step-${index}-count`} label={t('approvalRoutes.count')}>
              <Select id={`route-step-${index}-count`} value={step().count} options={countOptions} onChange={(v) => setStep(index, { count: v })} disabled={props.disabled} />
            </Field>
            <Field id={`route-step-${index}-unit`} label={t('approvalRoutes.approverUnit')}>
              <UnitSelect id={`route-step-${index}-unit`} value={step().approverUnitId} placeholder={t('approvalRoutes.approverUnitAny')} units={props.units} onChange={(v) => setStep(index, { approverUnitId: v })} disabled={props.disabled} />
            </Field>
            <Show when={props.steps.length > 1}>
              <button type="button" class="button button-secondary" onClick={() => removeStep(index)} disabled={props.disabled}>
                {t('approvalRoutes.removeStep', { n: String(index + 1) })}
              </button>
            </Show>
          </fieldset>
        )}
      </Index>
      <Show when={props.steps.length < MAX_STEPS}>
        <button type="button" class="button button-secondary" onClick={addStep} disabled={props.disabled}>
          {t('approvalRoutes.addStep')}
        </button>
      </Show>
    </fieldset>
  );
}

/** The routes set, each with its unit, kind, change and steps, to edit or remove. */
function RouteList(props: { routes: readonly ConfiguredRoute[]; managed: ReadonlySet<string>; onEdit: (route: ConfiguredRoute) => void; onRemove: (route: ConfiguredRoute) => void }) {
  const { t, locale } = useI18n();
  const directory = useDirectory();
  const purposeName = (p: string) => t(`governance.action_${p as GovernanceAction}`);
  const kindName = (k: SealKind) => t(`sealKinds.${k}`);
  return (
    <Show when={props.routes.length > 0} fallback={<p class="empty">{t('approvalRoutes.none')}</p>}>
      <ul class="card-list" data-testid="route-list">
        <For each={props.routes}>
          {(route) => (
            <li class="card" data-testid="approval-route" data-route-id={route.id} data-purpose={route.purpose} data-seal-kind={route.sealKind} data-unit-id={route.unitId}>
              <p class="card-title">{t('approvalRoutes.line', { purpose: purposeName(route.purpose), kind: kindName(route.sealKind) })}</p>
              <p>{t('approvalRoutes.unit')}{colon(locale())}{directory.unitName(route.unitId)}</p>
              <p data-testid="route-steps">{routeText(t, steppedRoute(route.sealKind, route.steps), (id) => directory.unitName(id))}</p>
              <p class="muted">{t('approvalRoutes.updated', { date: formatDateTime(route.updatedAt, locale()) })}</p>
              <Show when={props.managed.has(route.id)} fallback={<p class="muted" data-testid="route-set-above">{t('approvalRoutes.setAbove')}</p>}>
              <div class="form-actions">
                <button type="button" class="button button-secondary" aria-label={`${t('approvalRoutes.edit')}: ${t('approvalRoutes.line', { purpose: purposeName(route.purpose), kind: kindName(route.sealKind) })} · ${directory.unitName(route.unitId)}`} onClick={() => props.onEdit(route)}>
                  {t('approvalRoutes.edit')}
                </button>
                <button type="button" class="button button-danger" aria-label={`${t('approvalRoutes.remove')}: ${t('approvalRoutes.line', { purpose: purposeName(route.purpose), kind: kindName(route.sealKind) })} · ${directory.unitName(route.unitId)}`} onClick={() => props.onRemove(route)}>
                  {t('approvalRoutes.remove')}
                </button>
              </div>
              </Show>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}
