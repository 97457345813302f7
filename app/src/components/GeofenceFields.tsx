import type { JSX } from 'solid-js';
import { useI18n } from '../i18n/I18nProvider';
import { Field } from './Field';

type Value = { value: string; set: (value: string) => void };

/**
 * The three fields of a geofence (centre and radius) in their fieldset, with the hint the
 * fieldset points at. `limits` adds the ranges the browser checks; anything else (a location
 * button, the fence's problem) follows the fields.
 */
export function GeofenceFields(props: {
  /** `fence` gives the ids `fence-lat`, `fence-lon`, `fence-radius`. */
  idPrefix: string;
  hintId: string;
  hint: string;
  lat: Value;
  lon: Value;
  radius: Value;
  disabled: boolean;
  limits?: boolean;
  /** `aria-invalid` and `aria-describedby` for the three inputs, when the fence has a problem. */
  invalid?: JSX.InputHTMLAttributes<HTMLInputElement>;
  children?: JSX.Element;
}) {
  const { t } = useI18n();
  const input = (part: 'lat' | 'lon' | 'radius', label: string, inputmode: 'decimal' | 'numeric', min: string, max: string) => (
    <Field id={`${props.idPrefix}-${part}`} label={label}>
      <input
        id={`${props.idPrefix}-${part}`}
        class="input"
        type="number"
        inputmode={inputmode}
        step="any"
        min={props.limits ? min : undefined}
        max={props.limits ? max : undefined}
        value={props[part].value}
        onInput={(e) => props[part].set(e.currentTarget.value)}
        disabled={props.disabled}
        {...props.invalid}
      />
    </Field>
  );
  return (
    <fieldset class="field geofence" aria-describedby={props.hintId}>
      <legend class="field-label">{t('units.geofenceTitle')}</legend>
      <p class="field-hint" id={props.hintId}>
        {props.hint}
      </p>
      <div class="geofence-grid">
        {input('lat', t('units.latLabel'), 'decimal', '-90', '90')}
        {input('lon', t('units.lonLabel'), 'decimal', '-180', '180')}
        {input('radius', t('units.radiusLabel'), 'numeric', '1', '50000')}
      </div>
      {props.children}
    </fieldset>
  );
}
