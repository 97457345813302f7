import { Show, createEffect, createMemo, createSignal, on } from 'solid-js';
import { SEAL_KINDS, deviceLabel, type ConfiguredRoute, type NewSeal, type SealForm, type SealId, type SealKind } from '@seal/shared';
import { askGovernance } from '../../api/governance';
import { governanceRoute } from './approvalRoutes';
import { routeText } from './routeText';
import type { SessionView as Session } from '@seal/shared';
import { Field } from '../../components/Field';
import { useI18n, type Translate } from '../../i18n/I18nProvider';
import { useDirectory } from '../../org/DirectoryProvider';
import { createAction } from '../../primitives/createAction';
import { StoreError } from '../../store/StoreError';
import { useSync } from '../../sync/SyncProvider';
import { unitTreeRows } from '../admin/unitTree';
import type { SealData } from './createSealData';
import { installBindingOnSimulatedDevice } from '../../device/installBindingOnSimulatedDevice';
import { makeSeal } from './sealActions';
import { checkSealDraft, codeProblemOnInput, type DraftProblems } from './sealDraft';
import { FieldProblem, SealErrorAlert } from './SealErrorAlert';
import { bindableDevices, custodiansForNewSeal, unitsWhereMayCreate } from './sealViews';
import { UnitSelect } from '../../components/UnitSelect';
import { Select } from '../../components/Select';
import { ChoiceGroup } from '../../components/ChoiceGroup';
import { FormSubmit } from '../../components/FormSubmit';

type ProblemField = keyof DraftProblems;

/** The control of each field that can be wrong, in the order the form shows them. */
const FIELD_IDS: Readonly<Record<ProblemField, string>> = {
  name: 'seal-name',
  unitId: 'seal-unit',
  custodianId: 'seal-custodian',
  antiCounterfeitCode: 'seal-code',
  reason: 'seal-reason',
};

/** The form is long on a phone: takes the person to the first field to fix. */
function focusFirstProblem(problems: DraftProblems): void {
  const first = (Object.keys(FIELD_IDS) as ProblemField[]).find((field) => problems[field] !== undefined);
  if (first !== undefined) document.getElementById(FIELD_IDS[first])?.focus();
}

/** The words for a problem with one field of the new seal. */
function sealProblemText(t: Translate, field: ProblemField, problem: DraftProblems[ProblemField]): string | undefined {
  if (problem === undefined) return undefined;
  if (field === 'name') return problem === 'too_long' ? t('seals.problems.nameTooLong') : t('seals.problems.nameRequired');
  if (field === 'unitId') return t('seals.problems.unitRequired');
  if (field === 'custodianId') return t('seals.problems.custodianRequired');
  if (field === 'reason') return t('seals.problems.reasonRequired');
  return problem === 'not_digits' ? t('seals.problems.codeNotDigits') : problem === 'wrong_length' ? t('seals.problems.codeWrongLength') : t('seals.problems.codeRequired');
}

/** Says, under the form, when making a seal of this kind in this unit goes through an approval route, and by whom. */
function MakeRouteNote(props: { kind: SealKind; unitId: string; routes: readonly ConfiguredRoute[] }) {
  const { t } = useI18n();
  const directory = useDirectory();
  const route = createMemo(() => (props.unitId === '' ? null : governanceRoute(props.kind, props.unitId, 'create', directory.units(), props.routes)));
  return (
    <Show when={route()}>
      {(made) => <p class="note" data-testid="make-route">{t('governance.makeRoute', { kind: t(`sealKinds.${props.kind}`), route: routeText(t, made(), (id) => directory.unitName(id)) })}</p>}
    </Show>
  );
}

/**
 * Files the `create` request of a seal saved to await approval, once its record is on the server;
 * offline (or the server unreachable) says how it is asked later: nothing is lost. The sentence to show.
 */
async function askToMake(t: Translate, awaitInSync: () => Promise<void>, seal: { id: string; name: string }, why: string, routeWords: string): Promise<string> {
  if (!navigator.onLine) return t('governance.madeOffline', { name: seal.name });
  try {
    await Promise.race([awaitInSync(), new Promise((resolve) => setTimeout(resolve, 20_000))]);
    await askGovernance(seal.id, 'create', why);
    return t('governance.madeAwaiting', { name: seal.name, route: routeWords });
  } catch {
    return t('governance.madeOffline', { name: seal.name });
  }
}

/**
 * Makes a seal on this device (it syncs from there): name, kind, form, the unit that owns it
 * (units where the user may `seal.create`), its custodian (people holding `custodian` over that
 * unit), the anti-counterfeit code, for a physical seal the device it is locked in, and the
 * reason on record. Each problem shows beside its field; nothing typed is lost on a failure.
 * When making a seal of that kind in that unit goes through an approval route (`routeFor` over
 * the routes last heard, ADR 009), the form says so and by whom; the seal is saved without its
 * first move and a `create` request is filed once it is on the server (offline: saved, and the
 * seal page asks later). `onCreated` gets the sentence to show.
 */
export function NewSealForm(props: { session: Session; data: SealData; routes: readonly ConfiguredRoute[]; onCreated: (message: string) => void }) {
  const { t } = useI18n();
  const sync = useSync();
  const directory = useDirectory();
  const [name, setName] = createSignal('');
  const [kind, setKind] = createSignal<SealKind>('official');
  const [form, setForm] = createSignal<SealForm>('physical');
  const [unitId, setUnitId] = createSignal('');
  const [custodianId, setCustodianId] = createSignal('');
  const [code, setCode] = createSignal('');
  const [deviceId, setDeviceId] = createSignal('');
  const [reason, setReason] = createSignal('');
  const [problems, setProblems] = createSignal<DraftProblems>({});

  const unitRows = createMemo(() => {
    const rows = unitTreeRows(directory.directory()?.units ?? []);
    const allowed = new Set(unitsWhereMayCreate(props.data.actor(), rows.map((r) => r.unit), directory.units()).map((u) => u.id));
    return rows.filter((row) => allowed.has(row.unit.id));
  });
  const custodians = createMemo(() => (unitId() === '' ? [] : custodiansForNewSeal(unitId(), directory.users(), directory.units(), props.data.actor()?.id)));
  const devices = createMemo(() => (unitId() === '' ? [] : bindableDevices(props.data.devices(), { id: '' as SealId, unitId: unitId() as NewSeal['unitId'] }, props.data.actor(), directory.units())));

  createEffect(() => {
    const first = unitRows()[0];
    if (first && !unitRows().some((r) => r.unit.id === unitId())) setUnitId(first.unit.id);
  });
  // A new unit has its own custodians and devices: keep a choice only where it still stands; propose oneself.
  createEffect(on([unitId, custodians], ([, people]) => {
    if (people.some((p) => p.id === custodianId())) return;
    setCustodianId(people.find((p) => p.id === props.session.user.id)?.id ?? people[0]?.id ?? '');
  }));
  createEffect(on(devices, (list) => {
    if (deviceId() !== '' && !list.some((d) => d.id === deviceId())) setDeviceId('');
  }));

  const clear = (field: ProblemField): void => {
    if (problems()[field] !== undefined) setProblems(({ [field]: _gone, ...rest }) => rest);
  };
  const problemText = (field: ProblemField): string | undefined => sealProblemText(t, field, problems()[field]);
  const describedBy = (id: string, field: ProblemField): string => [`${id}-hint`, ...(problems()[field] !== undefined ? [`${id}-problem`] : [])].join(' ');

  const create = createAction(async (seal: NewSeal, why: string) => {
    const store = sync.store();
    if (store === undefined) throw new StoreError('closed', 'the local store is not open yet');
    const route = governanceRoute(seal.kind, seal.unitId, 'create', directory.units(), props.routes);
    const made = await makeSeal(store, seal, props.data.actor(), why, directory.units(), props.data.devices(), route !== null);
    props.onCreated(route === null ? t('seals.created', { name: made.name }) : await askToMake(t, sync.awaitInSync, made, why, routeText(t, route, (id) => directory.unitName(id))));
    // A simulated device in this browser takes the binding once the seal is on the server.
    void installBindingOnSimulatedDevice(made, sync.awaitInSync);
    setName('');
    setCode('');
    setDeviceId('');
    setReason('');
  });

  const onSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    const checked = checkSealDraft(
      { name: name(), kind: kind(), form: form(), unitId: unitId(), custodianId: custodianId(), antiCounterfeitCode: code(), deviceId: deviceId(), reason: reason() },
      `seal-${crypto.randomUUID()}` as SealId,
      sync.now(),
    );
    if (!checked.ok) {
      setProblems(checked.problems);
      create.clearError();
      focusFirstProblem(checked.problems);
      return;
    }
    setProblems({});
    void create.run(checked.seal, checked.reason);
  };

  return (
    <form class="panel form new-seal" aria-labelledby="new-seal-title" onSubmit={onSubmit} novalidate data-testid="new-seal-form">
      <h2 id="new-seal-title">{t('seals.createTitle')}</h2>
      <Field id="seal-name" label={t('seals.nameLabel')} hint={t('seals.nameHint')}>
        <input id="seal-name" class="input" type="text" maxLength={200} value={name()} aria-invalid={problems().name !== undefined} aria-describedby={describedBy('seal-name', 'name')}
          onInput={(e) => { setName(e.currentTarget.value); clear('name'); }} disabled={create.pending()} />
      </Field>
      <FieldProblem id="seal-name-problem" code={problems().name} text={problemText('name')} />
      <Field id="seal-kind" label={t('seals.kindLabel')}>
        <Select id="seal-kind" value={kind()} options={SEAL_KINDS.map((option) => ({ value: option, label: t(`sealKinds.${option}`) }))} onChange={(value) => setKind(value as SealKind)} disabled={create.pending()} />
      </Field>
      <ChoiceGroup name="seal-form" legend={t('seals.formLabel')} options={['physical', 'electronic'] as const} value={form()} label={(option) => t(`seals.formShort.${option}`)} onChange={(option) => { setForm(option); clear('antiCounterfeitCode'); }} disabled={create.pending()} />
      <Field id="seal-unit" label={t('seals.unitLabel')}>
        <UnitSelect id="seal-unit" value={unitId()} units={unitRows()} onChange={(value) => { setUnitId(value); clear('unitId'); }} disabled={create.pending()} />
      </Field>
      <FieldProblem id="seal-unit-problem" code={problems().unitId} text={problemText('unitId')} />
      <Field id="seal-custodian" label={t('seals.custodianLabel')} hint={t('seals.custodianHint')}>
        <Select id="seal-custodian" value={custodianId()} options={custodians().map((person) => ({ value: person.id, label: person.name }))} aria-invalid={problems().custodianId !== undefined} aria-describedby={describedBy('seal-custodian', 'custodianId')}
          onChange={(value) => { setCustodianId(value); clear('custodianId'); }} disabled={create.pending() || custodians().length === 0} />
      </Field>
      <Show when={unitId() !== '' && custodians().length === 0}>
        <p class="note note-warn">{t('seals.noCustodians')}</p>
      </Show>
      <FieldProblem id="seal-custodian-problem" code={problems().custodianId} text={problemText('custodianId')} />
      <Field id="seal-code" label={t('seals.codeLabel')} hint={form() === 'physical' ? t('seals.codeHint') : t('seals.codeHintElectronic')} optional={form() === 'electronic' ? t('common.optional') : undefined}>
        <input id="seal-code" class="input input-code seal-code-input" type="text" inputmode="numeric" autocomplete="off" maxLength={40} placeholder="3301 020 012345"
          value={code()} aria-invalid={problems().antiCounterfeitCode !== undefined} aria-describedby={describedBy('seal-code', 'antiCounterfeitCode')}
          onInput={(e) => { setCode(e.currentTarget.value); clear('antiCounterfeitCode'); }}
          onBlur={() => { const problem = codeProblemOnInput(code()); if (problem !== undefined) setProblems((held) => ({ ...held, antiCounterfeitCode: problem })); }} disabled={create.pending()} />
      </Field>
      <FieldProblem id="seal-code-problem" code={problems().antiCounterfeitCode} text={problemText('antiCounterfeitCode')} />
      <Show when={form() === 'physical'}>
        <Field id="seal-device" label={t('seals.deviceLabel')} hint={devices().length === 0 ? t('seals.noDevices') : t('seals.deviceHint')} optional={t('common.optional')}>
          <Select id="seal-device" value={deviceId()} placeholder={t('seals.deviceNone')} options={devices().map((device) => ({ value: device.id, label: `${deviceLabel(device)} · ${directory.unitName(device.unitId)}` }))} onChange={setDeviceId} disabled={create.pending()} aria-describedby="seal-device-hint" />
        </Field>
      </Show>
      <Field id="seal-reason" label={t('seals.reasonLabel')} hint={t('seals.createReasonHint')}>
        <textarea id="seal-reason" class="input seal-reason" rows="2" maxLength={2000} value={reason()} aria-invalid={problems().reason !== undefined} aria-describedby={describedBy('seal-reason', 'reason')}
          onInput={(e) => { setReason(e.currentTarget.value); clear('reason'); }} disabled={create.pending()} />
      </Field>
      <FieldProblem id="seal-reason-problem" code={problems().reason} text={problemText('reason')} />
      <MakeRouteNote kind={kind()} unitId={unitId()} routes={props.routes} />
      <SealErrorAlert error={create.error()} />
      <FormSubmit label={t('seals.create')} disabled={create.pending() || unitRows().length === 0} />
    </form>
  );
}
