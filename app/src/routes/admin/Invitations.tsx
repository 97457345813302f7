import { For, Show, createEffect, createSignal } from 'solid-js';
import { rolesIncompatibleWith } from '@seal/shared';
import { createInvitation, fetchInvitations, revokeInvitation } from '../../api/invitations';
import { ROLES, type Invitation, type Role, type Session } from '../../api/types';
import { fetchUnits } from '../../api/units';
import { unitsCoveredBy } from '../../auth/roles';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { CopyButton } from '../../components/CopyButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { RequireSession } from '../../components/RequireSession';
import { RoleList } from '../../components/RoleList';
import { formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { createAction } from '../../primitives/createAction';
import { createLoad } from '../../primitives/createLoad';
import { unitTreeRows } from './unitTree';
import { UnitSelect } from '../../components/UnitSelect';
import { Select } from '../../components/Select';
import { Screen } from '../../components/Screen';

const TTL_DAYS = [1, 3, 7, 30] as const;
const DEFAULT_TTL_DAYS = 3;

/** Admins invite people: a unit, roles, a one-time code shown once, and the open invitations. */
export function Invitations() {
  return <RequireSession role="admin">{(session) => <InvitationManager session={session} />}</RequireSession>;
}

function InvitationManager(props: { session: Session }) {
  const { t, locale } = useI18n();
  const units = createLoad(fetchUnits);
  const invitations = createLoad(fetchInvitations);
  const [unitId, setUnitId] = createSignal('');
  const [roles, setRoles] = createSignal<readonly Role[]>([]);
  const [note, setNote] = createSignal('');
  const [ttlDays, setTtlDays] = createSignal<number>(DEFAULT_TTL_DAYS);
  const [rolesMissing, setRolesMissing] = createSignal(false);
  const [created, setCreated] = createSignal<{ code: string; invitation: Invitation }>();
  const [notice, setNotice] = createSignal<string>();
  const [toRevoke, setToRevoke] = createSignal<Invitation>();

  const unitRows = () => {
    const covered = new Set(unitsCoveredBy(props.session, 'admin', units.data() ?? []).map((u) => u.id));
    return unitTreeRows(units.data() ?? []).filter((row) => covered.has(row.unit.id));
  };
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
    setCreated(result);
    setNotice(undefined);
    setRoles([]);
    setNote('');
    await invitations.reload();
  });
  const revoke = createAction(async (invitation: Invitation) => {
    await revokeInvitation(invitation.id);
    setToRevoke(undefined);
    setNotice(t('invitations.revoked'));
    await invitations.reload();
  });

  const onSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    if (roles().length === 0) {
      setRolesMissing(true);
      return;
    }
    void create.run();
  };
  const open = (): Invitation[] => (invitations.data() ?? []).filter((i) => i.state === 'open');
  const closed = (): Invitation[] => (invitations.data() ?? []).filter((i) => i.state !== 'open');
  const joinLink = (code: string): string => `${window.location.origin}/join?code=${encodeURIComponent(code)}`;
  const date = (ms: number): string => formatDateTime(ms, locale());

  const invitationCard = (invitation: Invitation) => (
    <li class="card" data-invitation-id={invitation.id} data-state={invitation.state}>
      <div class="card-body">
        <div class="card-title">
          <RoleList grants={invitation.roles.map((role) => ({ role, unitId: invitation.unitId }))} units={units.data()} label={t('invitations.rolesLabel')} />
          <Show when={invitation.state !== 'open'}>
            <span class="badge badge-muted">{t(`invitations.state_${invitation.state}`)}</span>
          </Show>
        </div>
        <Show when={invitation.note}>
          <p class="card-note">{invitation.note}</p>
        </Show>
        <p class="card-meta">
          <span>{t('invitations.createdAt', { date: date(invitation.createdAt) })}</span>
          <span>{t('invitations.expires', { date: date(invitation.expiresAt) })}</span>
        </p>
      </div>
      <Show when={invitation.state === 'open'}>
        <button
          type="button"
          class="button button-secondary button-danger-text"
          onClick={() => {
            revoke.clearError();
            setToRevoke(invitation);
          }}
        >
          {t('invitations.revoke')}
        </button>
      </Show>
    </li>
  );

  return (
    <Screen id="invitations" title={t('invitations.title')} lead={t('invitations.lead')} notice={notice()}>
      <Show when={created()}>
        {(result) => (
          <section class="panel created-invitation" aria-labelledby="created-title" data-testid="created-invitation">
            <h2 id="created-title">{t('invitations.createdTitle')}</h2>
            <p class="muted">{t('invitations.createdOnce')}</p>
            <RoleList grants={result().invitation.roles.map((role) => ({ role, unitId: result().invitation.unitId }))} units={units.data()} label={t('invitations.rolesLabel')} />
            <dl class="secret-list">
              <div class="secret">
                <dt>{t('invitations.codeLabel')}</dt>
                <dd>
                  <output class="code-display" data-testid="invitation-code">
                    {result().code}
                  </output>
                  <CopyButton text={result().code} label={t('invitations.copyCode')} />
                </dd>
              </div>
              <div class="secret">
                <dt>{t('invitations.linkLabel')}</dt>
                <dd>
                  <output class="link-display" data-testid="invitation-link">
                    {joinLink(result().code)}
                  </output>
                  <CopyButton text={joinLink(result().code)} label={t('invitations.copyLink')} />
                </dd>
              </div>
            </dl>
            <div class="form-actions">
              <button type="button" class="button button-primary" onClick={() => setCreated(undefined)}>
                {t('invitations.done')}
              </button>
            </div>
          </section>
        )}
      </Show>
      <div class="columns">
        <form class="panel form column-side" aria-labelledby="new-invitation-title" onSubmit={onSubmit}>
          <h2 id="new-invitation-title">{t('invitations.formTitle')}</h2>
          <ErrorAlert error={units.error()} />
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
          <Field id="invitation-note" label={t('invitations.noteLabel')} hint={t('invitations.noteHint')} optional={t('common.optional')}>
            <input
              id="invitation-note"
              class="input"
              type="text"
              maxLength={500}
              value={note()}
              onInput={(e) => setNote(e.currentTarget.value)}
              disabled={create.pending()}
              aria-describedby="invitation-note-hint"
            />
          </Field>
          <Field id="invitation-ttl" label={t('invitations.ttlLabel')}>
            <Select id="invitation-ttl" value={String(ttlDays())} options={TTL_DAYS.map((days) => ({ value: String(days), label: t('invitations.ttlDays', { days }) }))} onChange={(value) => setTtlDays(Number(value))} disabled={create.pending()} />
          </Field>
          <ErrorAlert error={create.error()} />
          <div class="form-actions">
            <button type="submit" class="button button-primary" disabled={create.pending() || unitRows().length === 0}>
              {t('invitations.create')}
            </button>
          </div>
        </form>
        <div class="column-main">
          <h2 class="section-title">{t('invitations.openTitle')}</h2>
          <ErrorAlert error={invitations.error()} />
          <Show when={invitations.data()} fallback={<Show when={invitations.loading()}><p class="loading">{t('common.loading')}</p></Show>}>
            <Show when={open().length > 0} fallback={<p class="empty">{t('invitations.none')}</p>}>
              <ul class="card-list" aria-label={t('invitations.openTitle')} data-testid="open-invitations">
                <For each={open()}>{invitationCard}</For>
              </ul>
            </Show>
            <Show when={closed().length > 0}>
              <details class="closed-invitations">
                <summary>{t('invitations.earlierTitle', { count: closed().length })}</summary>
                <ul class="card-list">
                  <For each={closed()}>{invitationCard}</For>
                </ul>
              </details>
            </Show>
          </Show>
        </div>
      </div>
      <ConfirmDialog
        open={toRevoke() !== undefined}
        title={t('invitations.revokeTitle')}
        confirmLabel={t('invitations.revokeConfirm')}
        pending={revoke.pending()}
        error={revoke.error()}
        onConfirm={() => {
          const invitation = toRevoke();
          if (invitation) void revoke.run(invitation);
        }}
        onCancel={() => {
          setToRevoke(undefined);
          revoke.clearError();
        }}
      >
        <p>{t('invitations.revokeBody')}</p>
        <Show when={toRevoke()}>
          {(invitation) => <RoleList grants={invitation().roles.map((role) => ({ role, unitId: invitation().unitId }))} units={units.data()} label={t('invitations.rolesLabel')} />}
        </Show>
      </ConfirmDialog>
    </Screen>
  );
}
