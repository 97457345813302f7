import { splitProps } from 'solid-js';
import { useI18n } from '../i18n/I18nProvider';
import { Select, type SelectProps } from './Select';
import { unitOptions, type UnitChoice } from './unitOptions';

/** A drop-down of units, each as "name · kind" (indented by its depth when given). */
export function UnitSelect(props: Omit<SelectProps, 'options'> & { readonly units: readonly UnitChoice[] }) {
  const { t } = useI18n();
  const [own, rest] = splitProps(props, ['units']);
  return <Select {...rest} options={unitOptions(own.units, (kind) => t(`unitKinds.${kind}`))} />;
}
