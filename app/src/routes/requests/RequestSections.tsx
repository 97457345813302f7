import { Show } from 'solid-js';
import { MAX_REQUEST_DOCUMENT_MB, REQUEST_DOCUMENT_TYPES } from '@seal/shared';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { GeofenceFields } from '../../components/GeofenceFields';
import { Progress } from '../../components/Progress';
import { Select } from '../../components/Select';
import { UnitSelect } from '../../components/UnitSelect';
import { useI18n } from '../../i18n/I18nProvider';
import type { RequestField } from '../../requests/requestForm';
import { NumberField, Problem } from './FormFields';
import type { RequestDraft } from './requestDraft';

/** The words for a field's problem, and the attributes that tie the control to them. */
function createProblemWords(draft: () => RequestDraft) {
  const { t } = useI18n();
  const text = (field: RequestField): string | undefined => {
    const problem = draft().problems()[field];
    if (problem === undefined) return undefined;
    if (problem === 'window_order' || problem === 'window_past') return t(`requests.problems.${problem}`);
    if (problem === 'file_ambiguous') return t('requests.problems.file_ambiguous');
    if (problem === 'pages_mismatch') return t('requests.problems.pages_mismatch', { actual: String(draft().filePages() ?? '') });
    if (problem === 'file_type' || problem === 'file_size') return t(`requests.problems.${problem}`, { mb: String(MAX_REQUEST_DOCUMENT_MB) });
    if (problem.startsWith('geofence_')) {
      const kind = problem.slice('geofence_'.length) as 'incomplete' | 'lat' | 'lon' | 'radius';
      return t(kind === 'incomplete' ? 'units.geofenceIncomplete' : kind === 'lat' ? 'units.invalidLat' : kind === 'lon' ? 'units.invalidLon' : 'units.invalidRadius');
    }
    return t(`requests.problems.${field as Exclude<RequestField, 'geofence'>}`);
  };
  const invalid = (field: RequestField) => ({
    'aria-invalid': draft().problems()[field] !== undefined ? ('true' as const) : undefined,
    'aria-describedby': draft().problems()[field] !== undefined ? `${field}-problem` : undefined,
  });
  return { text, invalid };
}

/** The seal applied for, and (when the person may apply for several) the unit applying. */
export function SealSection(props: { draft: RequestDraft }) {
  const { t } = useI18n();
  const d = () => props.draft;
  const problem = createProblemWords(() => props.draft);
  return (
    <fieldset class="form-section">
      <legend class="section-title">{t('requests.sealSection')}</legend>
      <Field id="request-seal" label={t('requests.sealLabel')}>
        <Select id="request-seal" value={d().fields.sealId.value} placeholder={t('requests.sealChoose')} options={d().activeSeals().map((seal) => ({ value: seal.id, label: `${seal.name} · ${t(`sealKinds.${seal.kind}`)}` }))} onChange={d().fields.sealId.set} disabled={d().busy()} {...problem.invalid('sealId')} />
        <Problem field="sealId" text={problem.text('sealId')} />
        <Show when={d().activeSeals().length === 0}>
          <Show when={d().sealsStillComing()} fallback={<p class="field-hint">{t('requests.sealNone')}</p>}>
            <p class="field-hint" role="status" data-testid="seals-syncing">
              <span class="spinner" aria-hidden="true" /> {t('requests.sealSyncing')}
            </p>
          </Show>
        </Show>
        <Show when={d().chosenSeal()}>
          {(seal) => (
            <Show when={seal().form === 'electronic' || (seal() as { deviceId?: string | null }).deviceId === null}>
              <p class="field-hint">{seal().form === 'electronic' ? t('requests.sealElectronic') : t('requests.sealNotBound')}</p>
            </Show>
          )}
        </Show>
      </Field>
      <Show when={d().requestUnits().length !== 1}>
        <Field id="request-unit" label={t('requests.unitLabel')}>
          <UnitSelect id="request-unit" value={d().fields.unitId.value} units={d().requestUnits().map((unit) => ({ unit }))} onChange={d().fields.unitId.set} disabled={d().busy()} {...problem.invalid('unitId')} />
          <Problem field="unitId" text={problem.text('unitId')} />
        </Field>
      </Show>
    </fieldset>
  );
}

/** The document: its file (checked and fingerprinted here; it travels with the request), title and pages. */
export function DocumentSection(props: { draft: RequestDraft }) {
  const { t } = useI18n();
  const d = () => props.draft;
  const problem = createProblemWords(() => props.draft);
  return (
    <fieldset class="form-section">
      <legend class="section-title">{t('requests.documentSection')}</legend>
      <Field id="request-file" label={t('requests.fileLabel')} hint={t('requests.fileHint', { mb: String(MAX_REQUEST_DOCUMENT_MB) })}>
        {/* The native file button speaks the browser's language, not the app's: a label of ours stands in for it. */}
        <div class="file-pick" classList={{ 'is-invalid': d().problems().file !== undefined }}>
          <label class="button button-secondary" for="request-file">
            {t('requests.chooseFile')}
          </label>
          <span class="file-name">{d().file()?.name ?? t('requests.noFile')}</span>
        </div>
        <input
          id="request-file"
          class="visually-hidden"
          type="file"
          accept={REQUEST_DOCUMENT_TYPES.join(',')}
          disabled={d().busy()}
          onChange={(e) => {
            const chosen = e.currentTarget.files?.[0];
            if (chosen !== undefined) void d().hash.run(chosen);
            // The same file chosen again (after a refusal) must fire again.
            e.currentTarget.value = '';
          }}
          {...problem.invalid('file')}
        />
        <Progress message={d().hash.pending() ? t('requests.hashing') : undefined} />
        <ErrorAlert error={d().hash.error()} />
        <Show when={d().file()}>
          {(f) => (
            <p class="fingerprint" data-testid="document-sha256">
              <span class="field-hint">{t('requests.fingerprint')}</span> <code>{f().sha256}</code>
            </p>
          )}
        </Show>
        <Problem field="file" text={problem.text('file')} />
      </Field>
      <div class="form-grid form-grid-title">
        <Field id="request-title" label={t('requests.titleLabel')}>
          <input id="request-title" class="input" type="text" maxLength={500} value={d().fields.title.value} onInput={(e) => d().fields.title.set(e.currentTarget.value)} disabled={d().busy()} {...problem.invalid('title')} />
          <Problem field="title" text={problem.text('title')} />
        </Field>
        <NumberField id="request-pages" label={t('requests.pagesLabel')} value={d().fields.pages.value} onInput={d().fields.pages.set} disabled={d().busy()} problem={problem.text('pages')} field="pages" invalid={problem.invalid('pages')} />
      </div>
    </fieldset>
  );
}

/** What the seal is for: the purpose, copies and uses; and the window in which it may be used. */
export function UseSection(props: { draft: RequestDraft }) {
  const { t } = useI18n();
  const d = () => props.draft;
  const problem = createProblemWords(() => props.draft);
  return (
    <>
      <fieldset class="form-section">
        <legend class="section-title">{t('requests.useSection')}</legend>
        <Field id="request-purpose" label={t('requests.purposeLabel')} hint={t('requests.purposeHint')}>
          <textarea id="request-purpose" class="input" rows={3} maxLength={2000} value={d().fields.purpose.value} onInput={(e) => d().fields.purpose.set(e.currentTarget.value)} disabled={d().busy()} {...problem.invalid('purpose')} />
          <Problem field="purpose" text={problem.text('purpose')} />
        </Field>
        <div class="form-grid">
          <NumberField id="request-copies" label={t('requests.copiesLabel')} value={d().fields.copies.value} onInput={d().fields.copies.set} disabled={d().busy()} problem={problem.text('copies')} field="copies" invalid={problem.invalid('copies')} />
          <NumberField id="request-uses" label={t('requests.usesLabel')} hint={d().chosenSeal()?.form === 'electronic' ? t('requests.usesHintElectronic') : t('requests.usesHint')} value={d().fields.uses.value} onInput={d().fields.uses.set} disabled={d().busy()} problem={problem.text('uses')} field="uses" invalid={problem.invalid('uses')} />
        </div>
      </fieldset>

      <fieldset class="form-section">
        <legend class="section-title">{t('requests.windowSection')}</legend>
        <div class="form-grid">
          <Field id="request-from" label={t('requests.notBeforeLabel')}>
            <input id="request-from" class="input" type="datetime-local" value={d().fields.notBefore.value} onInput={(e) => d().fields.notBefore.set(e.currentTarget.value)} disabled={d().busy()} {...problem.invalid('notBefore')} />
            <Problem field="notBefore" text={problem.text('notBefore')} />
          </Field>
          <Field id="request-until" label={t('requests.notAfterLabel')}>
            <input id="request-until" class="input" type="datetime-local" value={d().fields.notAfter.value} onInput={(e) => d().fields.notAfter.set(e.currentTarget.value)} disabled={d().busy()} {...problem.invalid('notAfter')} />
            <Problem field="notAfter" text={problem.text('notAfter')} />
          </Field>
        </div>
      </fieldset>
    </>
  );
}

/** Where the seal will be used: a unit, and the geofence the device holds it to. */
export function PlaceSection(props: { draft: RequestDraft }) {
  const { t } = useI18n();
  const d = () => props.draft;
  const problem = createProblemWords(() => props.draft);
  return (
    <fieldset class="form-section">
      <legend class="section-title">{t('requests.placeSection')}</legend>
      <Field id="request-place" label={t('requests.placeLabel')}>
        <UnitSelect id="request-place" value={d().fields.placeUnitId.value} units={d().placeUnits().map((unit) => ({ unit }))} onChange={d().fields.placeUnitId.set} disabled={d().busy()} {...problem.invalid('place')} />
        <Problem field="place" text={problem.text('place')} />
      </Field>
      <GeofenceFields idPrefix="request-fence" hintId="request-fence-hint" hint={d().chosenSeal()?.form === 'electronic' ? t('requests.geofenceHintElectronic') : t('requests.geofenceHint')} lat={d().fields.fenceLat} lon={d().fields.fenceLon} radius={d().fields.fenceRadius} disabled={d().busy()} invalid={problem.invalid('geofence')}>
        <Problem field="geofence" text={problem.text('geofence')} />
      </GeofenceFields>
    </fieldset>
  );
}

/** The form's own problem (under the sections) and the submit's failure. */
export function FormProblem(props: { draft: RequestDraft }) {
  const problem = createProblemWords(() => props.draft);
  return (
    <>
      <Problem field="form" text={problem.text('form')} />
      <ErrorAlert error={props.draft.submit.error()} />
    </>
  );
}
