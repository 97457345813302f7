import { For, Show, createEffect, createMemo, createSignal, on, untrack } from 'solid-js';
import { can, isReason, sealCustodiansOf, sealEditActions, type ConfiguredRoute, type RecordEditAction, type SealRecord, type SealStatus, type User } from '@seal/shared';
import { askGovernance } from '../../api/governance';
import { Field } from '../../components/Field';
import { FormSubmit } from '../../components/FormSubmit';
import { Select } from '../../components/Select';
import { useI18n } from '../../i18n/I18nProvider';
import { useDirectory } from '../../org/DirectoryProvider';
import { createAction } from '../../primitives/createAction';
import { StoreError } from '../../store/StoreError';
import { useSync } from '../../sync/SyncProvider';
import { governanceRoute } from './approvalRoutes';
import { routeText } from './routeText';
import { FieldProblem, SealErrorAlert } from './SealErrorAlert';

/**
 * Editing a seal's name and custodian (whoever may `seal.update` on its unit). A change whose
 * route asks for a review (`routeFor` for `rename` / `change_custodian`: none by default, set by
 * an administrator) is sent as a governance request with a reason and made by the server once
 * approved (ADR 009); any other is written on this device at once and syncs from there.
 */
export function SealRecordEdit(props: { seal: SealRecord; status: SealStatus | null; actor: User; routes: readonly ConfiguredRoute[]; onDone: (message: string) => void }) {
  const { t } = useI18n();
  const sync = useSync();
  const directory = useDirectory();
  const [name, setName] = createSignal(untrack(() => props.seal.name));
  const [custodianId, setCustodianId] = createSignal<string>(untrack(() => props.seal.custodianId));
  const [reason, setReason] = createSignal('');
  const [problem, setProblem] = createSignal<'name' | 'reason'>();
  // The record may change under the form (a reviewed change arriving): follow it.
  createEffect(on(() => props.seal.name, (value) => setName(value), { defer: true }));
  createEffect(on(() => props.seal.custodianId, (value) => setCustodianId(value), { defer: true }));
  const mayEdit = () => props.status !== 'destroyed' && can(props.actor, 'seal.update', { unitId: props.seal.unitId }, directory.units()).ok;
  // Who may keep the seal: the shared rule the server judges the new custodian by.
  const custodians = createMemo(() => sealCustodiansOf(props.seal.unitId, directory.users(), directory.units()));
  const changed = createMemo(() => sealEditActions(props.seal, { name: name().trim(), custodianId: custodianId() }));
  const editRoutes = createMemo(() => ({
    rename: governanceRoute(props.seal.kind, props.seal.unitId, 'rename', directory.units(), props.routes),
    change_custodian: governanceRoute(props.seal.kind, props.seal.unitId, 'change_custodian', directory.units(), props.routes),
  }));
  const routeOf = (action: RecordEditAction) => editRoutes()[action];
  const routed = createMemo(() => changed().filter((action) => routeOf(action) !== null));
  // A seal's own custodian does not hand it to someone else by an edit (judgeSealCustodian): only
  // through a reviewed change, where one is set up.
  const ownCustody = () => props.seal.custodianId === props.actor.id && routeOf('change_custodian') === null;

  const save = createAction(async () => {
    const newName = name().trim();
    const newCustodian = custodianId();
    const direct = changed().filter((action) => routeOf(action) === null);
    if (direct.length > 0) {
      const store = sync.store();
      if (store === undefined) throw new StoreError('closed', 'the local store is not open yet');
      await store.records.update('seal', props.seal.id, (doc) => {
        if (direct.includes('rename')) doc.name = newName;
        if (direct.includes('change_custodian')) doc.custodianId = newCustodian as typeof doc.custodianId;
      });
    }
    for (const action of routed()) {
      await askGovernance(props.seal.id, action, reason().trim(), action === 'rename' ? { name: newName } : { custodianId: newCustodian });
    }
    setReason('');
    props.onDone(routed().length > 0 ? t('sealEdit.asked') : t('sealEdit.saved'));
  });

  const onSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    save.clearError();
    if (name().trim() === '') return void setProblem('name');
    if (changed().length === 0) return void props.onDone(t('sealEdit.unchanged'));
    if (routed().length > 0 && !isReason(reason())) return void setProblem('reason');
    setProblem(undefined);
    void save.run();
  };

  return (
    <Show when={mayEdit()}>
      <form class="panel seal-panel form" aria-labelledby="seal-edit-title" onSubmit={onSubmit} novalidate data-testid="seal-edit">
        <h2 id="seal-edit-title">{t('sealEdit.title')}</h2>
        <Field id="seal-edit-name" label={t('sealEdit.name')}>
          <input id="seal-edit-name" class="input" type="text" maxLength={200} value={name()} aria-invalid={problem() === 'name'} aria-describedby={problem() === 'name' ? 'seal-edit-name-problem' : undefined}
            onInput={(e) => { setName(e.currentTarget.value); setProblem(undefined); }} disabled={save.pending()} />
        </Field>
        <FieldProblem id="seal-edit-name-problem" code={problem() === 'name' ? 'required' : undefined} text={problem() === 'name' ? t('sealEdit.nameRequired') : undefined} />
        <Field id="seal-edit-custodian" label={t('sealEdit.custodian')}>
          <Select id="seal-edit-custodian" value={custodianId()} options={custodians().map((person) => ({ value: person.id, label: person.name }))} onChange={setCustodianId} disabled={save.pending() || custodians().length === 0 || ownCustody()} />
        </Field>
        <Show when={ownCustody()}>
          <p class="note" data-testid="own-custody">{t('sealEdit.ownCustody')}</p>
        </Show>
        <For each={routed()}>
          {(action) => (
            <p class="note" data-testid="edit-route">
              {t('sealEdit.routeNote', { what: t(action === 'rename' ? 'sealEdit.whatRename' : 'sealEdit.whatCustodian'), route: routeText(t, routeOf(action)!, (id) => directory.unitName(id)) })}
            </p>
          )}
        </For>
        <Show when={routed().length > 0}>
          <Field id="seal-edit-reason" label={t('sealEdit.reason')} hint={t('sealEdit.reasonHint')}>
            <textarea id="seal-edit-reason" class="input seal-reason" rows="2" maxLength={2000} value={reason()} aria-invalid={problem() === 'reason'}
              aria-describedby={problem() === 'reason' ? 'seal-edit-reason-hint seal-edit-reason-problem' : 'seal-edit-reason-hint'}
              onInput={(e) => { setReason(e.currentTarget.value); setProblem(undefined); }} disabled={save.pending()} />
          </Field>
          <FieldProblem id="seal-edit-reason-problem" code={problem() === 'reason' ? 'required' : undefined} text={problem() === 'reason' ? t('sealEdit.reasonRequired') : undefined} />
        </Show>
        <SealErrorAlert error={save.error()} />
        <FormSubmit label={routed().length > 0 ? t('sealEdit.apply') : t('sealEdit.save')} disabled={save.pending()} />
      </form>
    </Show>
  );
}
