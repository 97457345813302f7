import { For, Show } from 'solid-js';
import type { RoleGrantView as RoleGrant, UnitView as Unit } from '@seal/shared';
import { useI18n } from '../i18n/I18nProvider';

/** Roles as badges: "Approver · Huajian HQ" (the unit id until the unit names are known). */
export function RoleList(props: { grants: readonly RoleGrant[]; units?: readonly Unit[]; label: string }) {
  const { t } = useI18n();
  const unitName = (id: string): string => props.units?.find((u) => u.id === id)?.name ?? '';
  return (
    <ul class="badges" aria-label={props.label}>
      <For each={props.grants}>
        {(grant) => (
          <li class="badge" classList={{ 'badge-admin': grant.role === 'admin' }} data-role={grant.role}>
            <Show when={unitName(grant.unitId)} fallback={t(`roles.${grant.role}`)}>
              {(name) => t('roles.onUnit', { role: t(`roles.${grant.role}`), unit: name() })}
            </Show>
          </li>
        )}
      </For>
    </ul>
  );
}
