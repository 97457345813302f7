import { For, Show, createEffect, createSignal } from 'solid-js';
import { rolesIncompatibleWith } from '@seal/shared';
import { createInvitation } from '../../api/invitations';
import { ROLES, type InvitationView as Invitation, type Role, type SessionView as Session, type UnitView as Unit } from '@seal/shared';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { Select } from '../../components/Select';
import { UnitSelect } from '../../components/UnitSelect';
import { useI18n } from '../../i18n/I18nProvider';
import { createAction } from '../../primitives/createAction';
import { adminUnitRows } from './unitTree';
import { FormSubmit } from '../../components/FormSubmit';
import { TextField } from '../../components/TextField';

const TTL_DAYS = [1, 3, 7, 30] as const;
const DEFAULT_TTL_DAYS = 3;

/** A new invitation: the unit, the roles (kept apart by the separation-of-duties rule), a note, how long it lasts. */
export function InvitationForm(props: { session: Session; units: readonly Unit[] | undefined; unitsError: unknown; onCreated: (result: { code: string; invitation: Invitation }) => Promise<void> }) {
  const { t } = useI18n();
  const [unitId, setUnitId] = createSignal('');
  const [roles, setRoles] = createSignal<readonly Role[]>([]);
  const [note, setNote] = createSignal('');
  const [ttlDays, setTtlDays] = createSignal<number>(DEFAULT_TTL_DAYS);
  const [rolesMissing, setRolesMissing] = createSignal(false);

  const unitRows = () => adminUnitRows(props.session, props.units);
  // Preselect the top unit the admin covers once the tree is known.
  createEffect(() => {
    const first = unitRows()[0];
    if (first && unitId() === '') setUnitId(first.unit.id);
  });
  // The shared separation-of-duties rule (the server applies the same one): a role that cannot be
  // held with one already chosen is not offered, and says why.
  const blockedBy = (role: Role): Role[] => roles().filter((chosen) => rolesIncompatibleWith(role).includes(chosen));
  const toggleRole = (role: Role, on: boolean): void => {
    setRoles((current) => (on ? ROLES.filter((r) => r === role || current.includes(r)) : current.filter((r) => r !== role)));
    if (on) setRolesMissing(false);
  };
  const create = createAction(async () => {
    const result = await createInvitation({ unitId: unitId(), roles: roles(), note: note().trim(), ttlHours: ttlDays() * 24 });
    setRoles([]);
    setNote('');
    await props.onCreated(result);
  });
  const onSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    if (roles().length === 0) {
      setRolesMissing(true);
      return;
    }
    void create.run();
  };

  return (
    <form class="panel form column-side" aria-labelledby="new-invitation-title" onSubmit={onSubmit}>
      <h2 id="new-invitation-title">{t('invitations.formTitle')}</h2>
      <ErrorAlert error={props.unitsError} />
      <Field id="invitation-unit" label={t('invitations.unitLabel')}>
        <UnitSelect id="invitation-unit" required value={unitId()} units={unitRows()} onChange={setUnitId} disabled={create.pending()} />
      </Field>
      <fieldset class="field" aria-describedby="invitation-roles-hint">
        <legend class="field-label">{t('invitations.rolesLabel')}</legend>
        <div class="choices">
          <For each={ROLES}>
            {(role) => (
              <>
                <label class="choice">
                  <input
                    type="checkbox"
                    name="roles"
                    value={role}
                    checked={roles().includes(role)}
                    onChange={(e) => toggleRole(role, e.currentTarget.checked)}
                    disabled={create.pending() || blockedBy(role).length > 0}
                    aria-describedby={blockedBy(role).length > 0 ? `role-blocked-${role}` : undefined}
                  />
                  <span>{t(`roles.${role}`)}</span>
                </label>
                {/* Outside the label, so that the role's accessible name stays its own. */}
                <Show when={blockedBy(role).length > 0}>
                  <span class="muted" id={`role-blocked-${role}`} data-testid={`role-blocked-${role}`}>
                    ({t('invitations.notWith', { roles: blockedBy(role).map((r) => t(`roles.${r}`)).join(', ') })})
                  </span>
                </Show>
              </>
            )}
          </For>
        </div>
        <p class="field-hint" id="invitation-roles-hint">
          {t('invitations.rolesHint')} {t('invitations.rolesSeparation')}
        </p>
      </fieldset>
      <Show when={rolesMissing()}>
        <p class="alert alert-error" role="alert" data-error-code="roles_missing">
          {t('invitations.rolesRequired')}
        </p>
      </Show>
      <TextField id="invitation-note" label={t('invitations.noteLabel')} hint={t('invitations.noteHint')} optional={t('common.optional')} maxLength={500} value={note()} onInput={setNote} disabled={create.pending()} />
      <Field id="invitation-ttl" label={t('invitations.ttlLabel')}>
        <Select id="invitation-ttl" value={String(ttlDays())} options={TTL_DAYS.map((days) => ({ value: String(days), label: t('invitations.ttlDays', { days }) }))} onChange={(value) => setTtlDays(Number(value))} disabled={create.pending()} />
      </Field>
      <FormSubmit label={t('invitations.create')} disabled={create.pending() || unitRows().length === 0} error={create.error()} />
    </form>
  );
}
