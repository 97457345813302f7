import { For, Show, createEffect, createSignal } from 'solid-js';
import { alarmKindSchema, webhookEventKindSchema, webhookUrlSchema, type AlarmKind, type SessionView as Session, type UnitView as Unit, type WebhookEventKind } from '@seal/shared';
import { createWebhook, type Webhook } from '../../api/webhooks';
import { Field } from '../../components/Field';
import { FormSubmit } from '../../components/FormSubmit';
import { TextField } from '../../components/TextField';
import { UnitSelect } from '../../components/UnitSelect';
import { useI18n } from '../../i18n/I18nProvider';
import { createAction } from '../../primitives/createAction';
import { adminUnitRows } from './unitTree';

const EVENT_KINDS = webhookEventKindSchema.options;
const ALARM_KINDS = alarmKindSchema.options;
const DEFAULT_KINDS: readonly WebhookEventKind[] = ['stamp', 'alarm'];

/** A new webhook: where to POST, for which unit subtree, which events (and which alarms), a note. */
export function WebhookForm(props: { session: Session; units: readonly Unit[] | undefined; onCreated: (result: { webhook: Webhook; secret: string }) => Promise<void> }) {
  const { t } = useI18n();
  const [url, setUrl] = createSignal('');
  const [unitId, setUnitId] = createSignal('');
  const [kinds, setKinds] = createSignal<readonly WebhookEventKind[]>(DEFAULT_KINDS);
  const [alarmKinds, setAlarmKinds] = createSignal<readonly AlarmKind[]>([]);
  const [description, setDescription] = createSignal('');
  const [problem, setProblem] = createSignal<'url_invalid' | 'kinds_missing'>();

  const unitRows = () => adminUnitRows(props.session, props.units);
  createEffect(() => {
    const first = unitRows()[0];
    if (first && unitId() === '') setUnitId(first.unit.id);
  });
  const toggle = <K extends string>(list: readonly K[], kind: K, on: boolean): K[] => (on ? [...list.filter((k) => k !== kind), kind] : list.filter((k) => k !== kind));

  const create = createAction(async () => {
    const result = await createWebhook({
      url: url().trim(),
      unitId: unitId(),
      eventKinds: [...kinds()],
      ...(kinds().includes('alarm') && alarmKinds().length > 0 ? { alarmKinds: [...alarmKinds()] } : {}),
      ...(description().trim() ? { description: description().trim() } : {}),
    });
    setUrl('');
    setDescription('');
    await props.onCreated(result);
  });
  const onSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    // The same URL rule the server applies, so a typo is caught before anything is sent.
    if (!webhookUrlSchema.safeParse(url().trim()).success) return void setProblem('url_invalid');
    if (kinds().length === 0) return void setProblem('kinds_missing');
    setProblem(undefined);
    void create.run();
  };

  return (
    <form class="panel form column-side" aria-labelledby="new-webhook-title" onSubmit={onSubmit}>
      <h2 id="new-webhook-title">{t('webhooks.formTitle')}</h2>
      <TextField id="webhook-url" label={t('webhooks.urlLabel')} hint={t('webhooks.urlHint')} inputmode="url" autocomplete="off" maxLength={2000} value={url()} onInput={setUrl} disabled={create.pending()} />
      <Field id="webhook-unit" label={t('webhooks.unitLabel')}>
        <UnitSelect id="webhook-unit" required value={unitId()} units={unitRows()} onChange={setUnitId} disabled={create.pending()} />
      </Field>
      <fieldset class="field">
        <legend class="field-label">{t('webhooks.kindsLabel')}</legend>
        <div class="choices">
          <For each={EVENT_KINDS}>
            {(kind) => (
              <label class="choice">
                <input type="checkbox" name="eventKinds" value={kind} checked={kinds().includes(kind)} disabled={create.pending()} onChange={(e) => setKinds(toggle(kinds(), kind, e.currentTarget.checked))} />
                <span>{t(`notifications.kinds.${kind}`)}</span>
              </label>
            )}
          </For>
        </div>
      </fieldset>
      <Show when={kinds().includes('alarm')}>
        <fieldset class="field" aria-describedby="webhook-alarms-hint">
          <legend class="field-label">{t('webhooks.alarmKindsLabel')}</legend>
          <div class="choices choices-long">
            <For each={ALARM_KINDS}>
              {(kind) => (
                <label class="choice">
                  <input type="checkbox" name="alarmKinds" value={kind} checked={alarmKinds().includes(kind)} disabled={create.pending()} onChange={(e) => setAlarmKinds(toggle(alarmKinds(), kind, e.currentTarget.checked))} />
                  <span>{t(`webhooks.alarmKinds.${kind}`)}</span>
                </label>
              )}
            </For>
          </div>
          <p class="field-hint" id="webhook-alarms-hint">{t('webhooks.alarmKindsHint')}</p>
        </fieldset>
      </Show>
      <TextField id="webhook-description" label={t('webhooks.descriptionLabel')} optional={t('common.optional')} maxLength={200} value={description()} onInput={setDescription} disabled={create.pending()} />
      <Show when={problem()}>
        {(code) => (
          <p class="alert alert-error" role="alert" data-error-code={code()}>
            {t(`webhooks.${code()}`)}
          </p>
        )}
      </Show>
      <FormSubmit label={t('webhooks.create')} disabled={create.pending() || unitRows().length === 0} error={create.error()} />
    </form>
  );
}
