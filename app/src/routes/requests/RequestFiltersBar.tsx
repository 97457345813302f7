import { Show } from 'solid-js';
import './requestList.css';
import { REQUEST_STATUSES_FOR_FILTER, type RequestFilterForm } from './requestFilterForm';
import { Field } from '../../components/Field';
import { Select, type SelectOption } from '../../components/Select';
import { TextField } from '../../components/TextField';
import { UnitSelect } from '../../components/UnitSelect';
import type { UnitChoice } from '../../components/unitOptions';
import { useI18n } from '../../i18n/I18nProvider';

/** Search and filters over the requests list (status, seal, unit, period submitted). */
export function RequestFiltersBar(props: {
  form: RequestFilterForm;
  set: <K extends keyof RequestFilterForm>(key: K, value: RequestFilterForm[K]) => void;
  clear: () => void;
  seals: readonly SelectOption[];
  units: readonly UnitChoice[];
}) {
  const { t } = useI18n();
  const dirty = () => Object.values(props.form).some((v) => v !== '');
  return (
    <form class="request-filters panel" aria-label={t('requestList.filtersLabel')} onSubmit={(e) => e.preventDefault()} data-testid="request-filters">
      <TextField id="rq-search" inputMode="search" label={t('requestList.search')} hint={t('requestList.searchHint')} value={props.form.text} onInput={(v) => props.set('text', v)} />
      <Field id="rq-status" label={t('requestList.status')}>
        <Select
          id="rq-status"
          value={props.form.status}
          placeholder={t('requestList.statusAny')}
          options={REQUEST_STATUSES_FOR_FILTER.map((s) => ({ value: s, label: s === 'open' ? t('requestList.statusOpen') : t(`requestStatuses.${s}`) }))}
          onChange={(v) => props.set('status', v as RequestFilterForm['status'])}
        />
      </Field>
      <Field id="rq-seal" label={t('requestList.seal')}>
        <Select id="rq-seal" value={props.form.sealId} placeholder={t('requestList.sealAny')} options={props.seals} onChange={(v) => props.set('sealId', v)} />
      </Field>
      <Field id="rq-unit" label={t('requestList.unit')}>
        <UnitSelect id="rq-unit" value={props.form.unitId} placeholder={t('requestList.unitAny')} units={props.units} onChange={(v) => props.set('unitId', v)} />
      </Field>
      <Field id="rq-from" label={t('requestList.from')}>
        <input id="rq-from" class="input" type="date" value={props.form.from} onInput={(e) => props.set('from', e.currentTarget.value)} />
      </Field>
      <Field id="rq-to" label={t('requestList.to')}>
        <input id="rq-to" class="input" type="date" value={props.form.to} onInput={(e) => props.set('to', e.currentTarget.value)} />
      </Field>
      <Show when={dirty()}>
        <div class="request-filters-actions">
          <button type="button" class="button button-secondary" onClick={() => props.clear()}>
            {t('requestList.clear')}
          </button>
        </div>
      </Show>
    </form>
  );
}
