import { A, useNavigate } from '@solidjs/router';
import { Show, createEffect, createMemo, createSignal, on } from 'solid-js';
import { approvalRouteFor, can, compareText, isInSubtree } from '@seal/shared';
import type { Session } from '../../api/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { Progress } from '../../components/Progress';
import { RequireSession } from '../../components/RequireSession';
import { useI18n } from '../../i18n/I18nProvider';
import { useDirectory } from '../../org/DirectoryProvider';
import { createAction } from '../../primitives/createAction';
import { approvalGroups } from '../../requests/approvalGroups';
import { fileSha256 } from '../../requests/fileSha256';
import { buildRequest, toLocalDateTime, type FieldProblem, type RequestField } from '../../requests/requestForm';
import { useRequests } from '../../requests/RequestsProvider';
import { useSync } from '../../sync/SyncProvider';
import { NumberField, Problem } from './FormFields';
import './requests.css';
import { UnitSelect } from '../../components/UnitSelect';
import { Select } from '../../components/Select';
import { Screen } from '../../components/Screen';

const DEFAULT_DAYS = 3;

/** `/requests/new`: staff apply to use a seal. Recorded on this device first; it syncs when it can. */
export function NewRequest() {
  return <RequireSession>{(session) => <RequestForm session={session} />}</RequireSession>;
}

function RequestForm(props: { session: Session }) {
  const { t, locale } = useI18n();
  const sync = useSync();
  const directory = useDirectory();
  const requests = useRequests();
  const navigate = useNavigate();
  const now = Date.now();

  const [sealId, setSealId] = createSignal('');
  const [unitId, setUnitId] = createSignal('');
  const [file, setFile] = createSignal<{ name: string; sha256: string }>();
  const [title, setTitle] = createSignal('');
  const [pages, setPages] = createSignal('1');
  const [copies, setCopies] = createSignal('1');
  const [purpose, setPurpose] = createSignal('');
  const [uses, setUses] = createSignal('1');
  const [notBefore, setNotBefore] = createSignal(toLocalDateTime(now));
  const [notAfter, setNotAfter] = createSignal(toLocalDateTime(now + DEFAULT_DAYS * 86_400_000));
  const [placeUnitId, setPlaceUnitId] = createSignal('');
  const [fenceLat, setFenceLat] = createSignal('');
  const [fenceLon, setFenceLon] = createSignal('');
  const [fenceRadius, setFenceRadius] = createSignal('');
  const [problems, setProblems] = createSignal<Partial<Record<RequestField, FieldProblem>>>({});

  const me = () => requests.me();
  const units = () => directory.units();
  // Units the user may apply for (request.create), and places within their reach.
  const requestUnits = createMemo(() => {
    const user = me();
    return user === undefined ? [] : units().filter((u) => can(user, 'request.create', { unitId: u.id }, units()).ok);
  });
  const placeUnits = createMemo(() => {
    const grants = props.session.user.grants;
    return units().filter((u) => grants.some((g) => isInSubtree(u.id, g.unitId as typeof u.id, units())));
  });
  const activeSeals = createMemo(() => requests.seals().filter((s) => s.status === 'active').sort((a, b) => compareText(a.name, b.name)));
  const chosenSeal = () => activeSeals().find((s) => s.id === sealId());

  createEffect(() => {
    const options = requestUnits();
    if (unitId() !== '' || options.length === 0) return;
    setUnitId((options.find((u) => u.id === props.session.user.unitId) ?? options[0]!).id);
  });
  createEffect(() => {
    if (placeUnitId() === '' && unitId() !== '') setPlaceUnitId(unitId());
  });
  // The place's geofence (a site's, from the directory) fills the fence fields; they stay editable.
  createEffect(
    on(placeUnitId, (id) => {
      const fence = units().find((u) => u.id === id)?.geofence;
      setFenceLat(fence === undefined ? '' : String(fence.lat));
      setFenceLon(fence === undefined ? '' : String(fence.lon));
      setFenceRadius(fence === undefined ? '' : String(fence.radiusM));
    }),
  );

  const hash = createAction(async (chosen: File) => {
    const sha256 = await fileSha256(chosen);
    const previous = file()?.name;
    setFile({ name: chosen.name, sha256 });
    if (title().trim() === '' || title() === previous) setTitle(chosen.name);
    setProblems(({ file: _file, ...rest }) => rest);
  });

  const submit = createAction(async () => {
    const store = sync.store();
    if (store === undefined) return;
    const result = buildRequest(
      {
        id: `req-${crypto.randomUUID()}`,
        requesterId: props.session.user.id,
        unitId: unitId(),
        sealId: sealId(),
        sha256: file()?.sha256 ?? '',
        title: title(),
        pages: pages(),
        copies: copies(),
        purpose: purpose(),
        uses: uses(),
        notBefore: notBefore(),
        notAfter: notAfter(),
        placeUnitId: placeUnitId(),
        fenceLat: fenceLat(),
        fenceLon: fenceLon(),
        fenceRadius: fenceRadius(),
        createdAt: store.now(),
      },
      store.now(),
    );
    if (!result.ok) {
      setProblems(result.problems);
      document.querySelector<HTMLElement>('.request-form [aria-invalid="true"]')?.focus();
      return;
    }
    setProblems({});
    await store.records.create('request', result.request);
    navigate(`/requests/${result.request.id}?submitted=1`);
  });

  const problemText = (field: RequestField): string | undefined => {
    const problem = problems()[field];
    if (problem === undefined) return undefined;
    if (problem === 'window_order' || problem === 'window_past') return t(`requests.problems.${problem}`);
    if (problem.startsWith('geofence_')) {
      const kind = problem.slice('geofence_'.length) as 'incomplete' | 'lat' | 'lon' | 'radius';
      return t(kind === 'incomplete' ? 'units.geofenceIncomplete' : kind === 'lat' ? 'units.invalidLat' : kind === 'lon' ? 'units.invalidLon' : 'units.invalidRadius');
    }
    return t(`requests.problems.${field as Exclude<RequestField, 'geofence'>}`);
  };
  const invalid = (field: RequestField) => ({ 'aria-invalid': problems()[field] !== undefined ? ('true' as const) : undefined, 'aria-describedby': problems()[field] !== undefined ? `${field}-problem` : undefined });
  const busy = () => submit.pending() || hash.pending();
  const routeText = (): string => {
    const seal = chosenSeal();
    if (seal === undefined) {
      const kinds = new Intl.ListFormat(locale(), { type: 'conjunction' });
      const groups = approvalGroups().map((g) => t('requests.routeGroup', { count: String(g.count), kinds: kinds.format(g.kinds.map((k) => t(`sealKinds.${k}`))) }));
      return t('requests.routeAny', { groups: groups.join(t('requests.routeGroupSeparator')) });
    }
    return t('requests.routeFor', { kind: t(`sealKinds.${seal.kind}`), count: String(approvalRouteFor(seal.kind).minApprovals) });
  };
  const onSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    void submit.run();
  };

  return (
    <Screen id="new-request" title={t('requests.formTitle')} lead={t('requests.formLead')}>
      <Show when={directory.state() === 'unavailable'}>
        <p class="note note-warn">{t('requests.noDirectory')}</p>
      </Show>
      <div class="columns">
        <form class="panel form request-form column-main" aria-labelledby="new-request-title" onSubmit={onSubmit} novalidate>
          <fieldset class="form-section">
            <legend class="section-title">{t('requests.sealSection')}</legend>
            <Field id="request-seal" label={t('requests.sealLabel')}>
              <Select id="request-seal" value={sealId()} placeholder={t('requests.sealChoose')} options={activeSeals().map((seal) => ({ value: seal.id, label: `${seal.name} · ${t(`sealKinds.${seal.kind}`)}` }))} onChange={setSealId} disabled={busy()} {...invalid('sealId')} />
              <Problem field="sealId" text={problemText('sealId')} />
              <Show when={activeSeals().length === 0}>
                <p class="field-hint">{t('requests.sealNone')}</p>
              </Show>
              <Show when={chosenSeal()}>
                {(seal) => (
                  <Show when={seal().form === 'electronic' || (seal() as { deviceId?: string | null }).deviceId === null}>
                    <p class="field-hint">{seal().form === 'electronic' ? t('requests.sealElectronic') : t('requests.sealNotBound')}</p>
                  </Show>
                )}
              </Show>
            </Field>
            <Show when={requestUnits().length !== 1}>
              <Field id="request-unit" label={t('requests.unitLabel')}>
                <UnitSelect id="request-unit" value={unitId()} units={requestUnits().map((unit) => ({ unit }))} onChange={setUnitId} disabled={busy()} {...invalid('unitId')} />
                <Problem field="unitId" text={problemText('unitId')} />
              </Field>
            </Show>
          </fieldset>

          <fieldset class="form-section">
            <legend class="section-title">{t('requests.documentSection')}</legend>
            <Field id="request-file" label={t('requests.fileLabel')} hint={t('requests.fileHint')}>
              {/* The native file button speaks the browser's language, not the app's: a label of ours stands in for it. */}
              <div class="file-pick" classList={{ 'is-invalid': problems().file !== undefined }}>
                <label class="button button-secondary" for="request-file">
                  {t('requests.chooseFile')}
                </label>
                <span class="file-name">{file()?.name ?? t('requests.noFile')}</span>
              </div>
              <input
                id="request-file"
                class="visually-hidden"
                type="file"
                disabled={busy()}
                onChange={(e) => {
                  const chosen = e.currentTarget.files?.[0];
                  if (chosen !== undefined) void hash.run(chosen);
                }}
                {...invalid('file')}
              />
              <Progress message={hash.pending() ? t('requests.hashing') : undefined} />
              <ErrorAlert error={hash.error()} />
              <Show when={file()}>
                {(f) => (
                  <p class="fingerprint" data-testid="document-sha256">
                    <span class="field-hint">{t('requests.fingerprint')}</span> <code>{f().sha256}</code>
                  </p>
                )}
              </Show>
              <Problem field="file" text={problemText('file')} />
            </Field>
            <div class="form-grid form-grid-title">
              <Field id="request-title" label={t('requests.titleLabel')}>
                <input id="request-title" class="input" type="text" maxLength={500} value={title()} onInput={(e) => setTitle(e.currentTarget.value)} disabled={busy()} {...invalid('title')} />
                <Problem field="title" text={problemText('title')} />
              </Field>
              <NumberField id="request-pages" label={t('requests.pagesLabel')} value={pages()} onInput={setPages} disabled={busy()} problem={problemText('pages')} field="pages" invalid={invalid('pages')} />
            </div>
          </fieldset>

          <fieldset class="form-section">
            <legend class="section-title">{t('requests.useSection')}</legend>
            <Field id="request-purpose" label={t('requests.purposeLabel')} hint={t('requests.purposeHint')}>
              <textarea id="request-purpose" class="input" rows={3} maxLength={2000} value={purpose()} onInput={(e) => setPurpose(e.currentTarget.value)} disabled={busy()} {...invalid('purpose')} />
              <Problem field="purpose" text={problemText('purpose')} />
            </Field>
            <div class="form-grid">
              <NumberField id="request-copies" label={t('requests.copiesLabel')} value={copies()} onInput={setCopies} disabled={busy()} problem={problemText('copies')} field="copies" invalid={invalid('copies')} />
              <NumberField id="request-uses" label={t('requests.usesLabel')} hint={t('requests.usesHint')} value={uses()} onInput={setUses} disabled={busy()} problem={problemText('uses')} field="uses" invalid={invalid('uses')} />
            </div>
          </fieldset>

          <fieldset class="form-section">
            <legend class="section-title">{t('requests.windowSection')}</legend>
            <div class="form-grid">
              <Field id="request-from" label={t('requests.notBeforeLabel')}>
                <input id="request-from" class="input" type="datetime-local" value={notBefore()} onInput={(e) => setNotBefore(e.currentTarget.value)} disabled={busy()} {...invalid('notBefore')} />
                <Problem field="notBefore" text={problemText('notBefore')} />
              </Field>
              <Field id="request-until" label={t('requests.notAfterLabel')}>
                <input id="request-until" class="input" type="datetime-local" value={notAfter()} onInput={(e) => setNotAfter(e.currentTarget.value)} disabled={busy()} {...invalid('notAfter')} />
                <Problem field="notAfter" text={problemText('notAfter')} />
              </Field>
            </div>
          </fieldset>

          <fieldset class="form-section">
            <legend class="section-title">{t('requests.placeSection')}</legend>
            <Field id="request-place" label={t('requests.placeLabel')}>
              <UnitSelect id="request-place" value={placeUnitId()} units={placeUnits().map((unit) => ({ unit }))} onChange={setPlaceUnitId} disabled={busy()} {...invalid('place')} />
              <Problem field="place" text={problemText('place')} />
            </Field>
            <fieldset class="field geofence" aria-describedby="request-fence-hint">
              <legend class="field-label">{t('units.geofenceTitle')}</legend>
              <p class="field-hint" id="request-fence-hint">
                {t('requests.geofenceHint')}
              </p>
              <div class="geofence-grid">
                <Field id="request-fence-lat" label={t('units.latLabel')}>
                  <input id="request-fence-lat" class="input" type="number" inputmode="decimal" step="any" value={fenceLat()} onInput={(e) => setFenceLat(e.currentTarget.value)} disabled={busy()} {...invalid('geofence')} />
                </Field>
                <Field id="request-fence-lon" label={t('units.lonLabel')}>
                  <input id="request-fence-lon" class="input" type="number" inputmode="decimal" step="any" value={fenceLon()} onInput={(e) => setFenceLon(e.currentTarget.value)} disabled={busy()} {...invalid('geofence')} />
                </Field>
                <Field id="request-fence-radius" label={t('units.radiusLabel')}>
                  <input id="request-fence-radius" class="input" type="number" inputmode="numeric" step="any" value={fenceRadius()} onInput={(e) => setFenceRadius(e.currentTarget.value)} disabled={busy()} {...invalid('geofence')} />
                </Field>
              </div>
              <Problem field="geofence" text={problemText('geofence')} />
            </fieldset>
          </fieldset>

          <Problem field="form" text={problemText('form')} />
          <ErrorAlert error={submit.error()} />
          <div class="form-actions">
            <button type="submit" class="button button-primary button-large" disabled={busy() || sync.store() === undefined}>
              {t('requests.submit')}
            </button>
            <A href="/requests" class="button button-secondary button-large">
              {t('common.cancel')}
            </A>
          </div>
        </form>
        <aside class="panel column-side request-steps" aria-labelledby="request-steps-title">
          <h2 id="request-steps-title">{t('requests.stepsTitle')}</h2>
          <ol class="steps-compact">
            <li>{t('requests.step1')}</li>
            <li>{t('requests.step2', { route: routeText() })}</li>
            <li>{t('requests.step3')}</li>
          </ol>
        </aside>
      </div>
    </Screen>
  );
}
