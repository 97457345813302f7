import { For, Show, createSignal } from 'solid-js';
import type { Role, UnitView as Unit, UserWithCredentials } from '@seal/shared';
import { Field } from '../../components/Field';
import { Select } from '../../components/Select';
import { UnitSelect } from '../../components/UnitSelect';
import { useI18n } from '../../i18n/I18nProvider';

/** A person's roles, each on a unit; an administrator takes one back or grants another (the server checks scope and separation of duties). */
export function PersonGrants(props: {
  person: UserWithCredentials;
  unitName: (id: string) => string;
  editable: boolean;
  units: readonly Unit[];
  roles: readonly Role[];
  pending: boolean;
  onChange: (mode: 'grant' | 'revoke', role: Role, unitId: string) => void;
}) {
  const { t } = useI18n();
  const [role, setRole] = createSignal<Role | ''>('');
  const [unitId, setUnitId] = createSignal('');
  const id = (part: string) => `grant-${part}-${props.person.id}`;
  return (
    <div class="person-grants">
      <ul class="role-chips" aria-label={t('home.rolesLabel')}>
        <For each={props.person.grants}>
          {(g) => (
            <li class="role-chip" data-role={g.role}>
              {t('roles.onUnit', { role: t(`roles.${g.role}`), unit: props.unitName(g.unitId) })}
              <Show when={props.editable}>
                <button type="button" class="chip-remove" disabled={props.pending} aria-label={t('peopleScreen.revoke', { role: t(`roles.${g.role}`) })} onClick={() => props.onChange('revoke', g.role, g.unitId)}>
                  ×
                </button>
              </Show>
            </li>
          )}
        </For>
      </ul>
      <Show when={props.editable && props.units.length > 0}>
        <form
          class="grant-form"
          aria-label={t('peopleScreen.grantTitle')}
          onSubmit={(e) => {
            e.preventDefault();
            const r = role();
            if (r !== '' && unitId() !== '') props.onChange('grant', r, unitId());
          }}
        >
          <Field id={id('role')} label={t('peopleScreen.role')}>
            <Select id={id('role')} value={role()} placeholder={t('unitEdit.chooseParent')} options={props.roles.map((r) => ({ value: r, label: t(`roles.${r}`) }))} onChange={(v) => setRole(v as Role | '')} />
          </Field>
          <Field id={id('unit')} label={t('peopleScreen.unit')}>
            <UnitSelect id={id('unit')} value={unitId()} placeholder={t('unitEdit.chooseParent')} units={props.units.map((unit) => ({ unit }))} onChange={setUnitId} />
          </Field>
          <button type="submit" class="button button-secondary" disabled={props.pending || role() === '' || unitId() === ''}>
            {t('peopleScreen.grant')}
          </button>
        </form>
      </Show>
    </div>
  );
}
