import { For } from 'solid-js';
import { TIMELINE_EVENT_KINDS, type TimelineEventKind } from '@seal/shared';
import { Field } from '../../components/Field';
import { Select } from '../../components/Select';
import { UnitSelect } from '../../components/UnitSelect';
import type { HqLogView } from '../../hq/hqViews';
import { useI18n } from '../../i18n/I18nProvider';
import { withChosen, type HqChoices } from './hqChoices';

const orUndefined = (value: string): string | undefined => (value === '' ? undefined : value);

/** The merged log's filters: each change is a new view (a new address). */
export function HqLogFilters(props: { view: HqLogView; choices: HqChoices; onChange: (next: HqLogView) => void; onClear: () => void }) {
  const { t, locale } = useI18n();
  const set = (patch: Partial<HqLogView>): void => props.onChange({ ...props.view, ...patch });
  const toggleKind = (kind: TimelineEventKind, on: boolean): void => {
    const kinds = new Set(props.view.kinds);
    if (on) kinds.add(kind);
    else kinds.delete(kind);
    set({ kinds: TIMELINE_EVENT_KINDS.filter((k) => kinds.has(k)) });
  };
  return (
    <form class="hq-filters panel" aria-labelledby="hq-filters-title" onSubmit={(e) => e.preventDefault()} data-testid="hq-filters">
      <h2 id="hq-filters-title" class="section-title">{t('hq.filtersTitle')}</h2>
      <div class="hq-filter-grid">
        <Field id="hq-unit" label={t('hq.unit')}>
          <UnitSelect id="hq-unit" value={props.view.unit ?? ''} units={props.choices.units()} placeholder={t('hq.allUnits')} onChange={(v) => set({ unit: orUndefined(v) })} />
        </Field>
        <Field id="hq-seal" label={t('hq.seal')}>
          <Select id="hq-seal" value={props.view.seal ?? ''} options={withChosen(props.choices.seals(), props.view.seal)} placeholder={t('hq.allSeals')} onChange={(v) => set({ seal: orUndefined(v) })} />
        </Field>
        <Field id="hq-device" label={t('hq.device')}>
          <Select id="hq-device" value={props.view.device ?? ''} options={withChosen(props.choices.devices(), props.view.device)} placeholder={t('hq.allDevices')} onChange={(v) => set({ device: orUndefined(v) })} />
        </Field>
        <Field id="hq-person" label={t('hq.person')}>
          <Select id="hq-person" value={props.view.person ?? ''} options={withChosen(props.choices.people(), props.view.person)} placeholder={t('hq.allPeople')} onChange={(v) => set({ person: orUndefined(v) })} />
        </Field>
        <Field id="hq-from" label={t('hq.from')}>
          <input id="hq-from" class="input" type="date" value={props.view.from ?? ''} max={props.view.to} onChange={(e) => set({ from: orUndefined(e.currentTarget.value) })} />
        </Field>
        <Field id="hq-to" label={t('hq.to')}>
          <input id="hq-to" class="input" type="date" value={props.view.to ?? ''} min={props.view.from} onChange={(e) => set({ to: orUndefined(e.currentTarget.value) })} />
        </Field>
      </div>
      <label class="choice hq-anomalies">
        <input type="checkbox" checked={props.view.anomalies} onChange={(e) => set({ anomalies: e.currentTarget.checked })} />
        {t('hq.anomaliesOnly')}
      </label>
      <details class="hq-kinds" open={props.view.kinds.length > 0}>
        <summary>
          {t('hq.kinds')}
          <span class="hq-kinds-chosen">
            {props.view.kinds.length === 0 ? ` · ${t('hq.kindsHint')}` : ` · ${props.view.kinds.map((k) => t(`eventKinds.${k}`)).join(locale() === 'zh-CN' ? '、' : ', ')}`}
          </span>
        </summary>
        <fieldset class="hq-kind-choices">
          <legend class="visually-hidden">{t('hq.kinds')}</legend>
          <div class="choices">
            <For each={TIMELINE_EVENT_KINDS}>
              {(kind) => (
                <label class="choice">
                  <input type="checkbox" name="kind" value={kind} checked={props.view.kinds.includes(kind)} onChange={(e) => toggleKind(kind, e.currentTarget.checked)} />
                  {t(`eventKinds.${kind}`)}
                </label>
              )}
            </For>
          </div>
        </fieldset>
      </details>
      <div class="form-actions">
        <button type="button" class="button button-secondary" onClick={() => props.onClear()}>
          {t('hq.clear')}
        </button>
      </div>
    </form>
  );
}
