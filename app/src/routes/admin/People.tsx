import { For, Show, createSignal } from 'solid-js';
import { checkManageOf, ROLES, unitsResponseSchema, usersResponseSchema, type Role, type SessionView as Session, type UnitView as Unit, type UserWithCredentials } from '@seal/shared';
import { changeRole, deactivatePerson, fetchPeople, reactivatePerson } from '../../api/people';
import { fetchUnits } from '../../api/units';
import { actorFromSession } from '../../auth/actorFromSession';
import { useDirectory } from '../../org/DirectoryProvider';
import { holdsRole, unitsCoveredBy } from '../../auth/roles';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { RequireSession } from '../../components/RequireSession';
import { Screen } from '../../components/Screen';
import { formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { createAction } from '../../primitives/createAction';
import { isUnreachableError } from '../../api/ApiError';
import { createKeptView } from '../../hq/createKeptView';
import { createOnlineStatus } from '../../primitives/createOnlineStatus';
import { useSync } from '../../sync/SyncProvider';
import { KeptNote } from '../hq/KeptNote';
import { PersonGrants } from './PersonGrants';
import { lastSignIn } from './people';
import './people.css';

/** `/admin/people`: administrators manage the people of their units; auditors read the list. */
export function People() {
  return <RequireSession>{(session) => <PeopleList session={session} />}</RequireSession>;
}

function PeopleList(props: { session: Session }) {
  const { t, locale } = useI18n();
  const sync = useSync();
  const online = createOnlineStatus();
  // Kept on this device: offline, the list last fetched is shown (as of when), and changes wait for the server.
  const people = createKeptView({ group: 'admin-people', key: () => 'all', fetch: fetchPeople, schema: usersResponseSchema.shape.users, store: sync.store });
  const units = createKeptView({ group: 'admin-units', key: () => 'all', fetch: fetchUnits, schema: unitsResponseSchema.shape.units, store: sync.store });
  const [notice, setNotice] = createSignal<string>();
  const [leaving, setLeaving] = createSignal<UserWithCredentials>();
  // Changes are made on the server: offered only on the list the server just gave.
  const directory = useDirectory();
  const manages = () => holdsRole(props.session, 'admin') && people.source().kind === 'fresh';
  // The server's own rule (`checkManageOf`): the person's home unit and every unit they hold a role
  // on must be within the administrator's; a head-office administrator living in a branch is not the branch's to manage.
  const managesPerson = (person: UserWithCredentials): boolean =>
    manages() && checkManageOf(actorFromSession(props.session.user), actorFromSession(person), directory.units()).ok;
  const unitName = (id: string) => units.data()?.find((u) => u.id === id)?.name ?? id;
  const grantable = (): Unit[] => unitsCoveredBy(props.session, 'admin', units.data() ?? []).filter((u) => u.closedAt === undefined);

  const deactivate = createAction(async (person: UserWithCredentials) => {
    const result = await deactivatePerson(person.id);
    const more = result.requestsOutOfScope.length > 0 ? ` ${t('peopleScreen.outOfScopeNotice', { count: String(result.requestsOutOfScope.length) })}` : '';
    setNotice(t('peopleScreen.deactivated_notice', { name: person.name, halted: String(result.haltedRequests.length) }) + more);
    setLeaving(undefined);
    await people.reload();
  });
  const reactivate = createAction(async (person: UserWithCredentials) => {
    await reactivatePerson(person.id);
    setNotice(t('peopleScreen.reactivated', { name: person.name }));
    await people.reload();
  });
  const grant = createAction(async (person: UserWithCredentials, mode: 'grant' | 'revoke', role: Role, unitId: string) => {
    await changeRole(person.id, mode, role, unitId);
    const roleText = t('roles.onUnit', { role: t(`roles.${role}`), unit: unitName(unitId) });
    setNotice(mode === 'grant' ? t('peopleScreen.granted', { name: person.name, role: roleText }) : t('peopleScreen.revoked', { name: person.name, role: roleText }));
    await people.reload();
  });

  return (
    <Screen id="people" title={t('peopleScreen.title')} lead={t('peopleScreen.lead')} notice={notice()}>
      <Show when={!holdsRole(props.session, 'admin')}>
        <p class="note">{t('peopleScreen.readOnly')}</p>
      </Show>
      <KeptNote source={people.source()} nothingKept={people.nothingKept()} offline={!online()} />
      <Show when={people.source().kind !== 'kept' && !isUnreachableError(people.error())}>
        <ErrorAlert error={people.error()} />
      </Show>
      <ErrorAlert error={grant.error() ?? reactivate.error()} />
      <Show when={people.data()} fallback={<Show when={people.loading()}><p class="loading">{t('common.loading')}</p></Show>}>
        {(list) => (
          <ul class="card-list people-list" aria-label={t('peopleScreen.listLabel')} data-testid="people-list">
            <For each={list()}>
              {(person) => {
                const last = () => lastSignIn(person);
                const self = () => person.id === props.session.user.id;
                return (
                  <li class="card person-card" data-person-id={person.id} data-active={String(person.active)}>
                    <div class="person-head">
                      <span class="card-title">
                        {person.name}
                        <Show when={self()}> {t('peopleScreen.you')}</Show>
                      </span>
                      <span class={`badge ${person.active ? 'badge-ok' : 'badge-off'}`} data-testid="person-state">
                        {person.active ? t('peopleScreen.active') : t('peopleScreen.deactivated', { date: formatDateTime(person.deactivatedAt ?? 0, locale()) })}
                      </span>
                    </div>
                    <span class="card-meta">
                      <span>{t('peopleScreen.homeUnit', { unit: unitName(person.unitId) })}</span>
                      <span>{t('peopleScreen.passkeys', { count: String(person.credentials.filter((c) => c.revokedAt === undefined).length) })}</span>
                      <span>{last() === undefined ? t('peopleScreen.neverSignedIn') : t('peopleScreen.lastSignIn', { date: formatDateTime(last()!, locale()) })}</span>
                    </span>
                    <PersonGrants
                      person={person}
                      unitName={unitName}
                      editable={managesPerson(person) && person.active && !self()}
                      units={grantable()}
                      roles={ROLES}
                      pending={grant.pending()}
                      onChange={(mode, role, unitId) => void grant.run(person, mode, role, unitId)}
                    />
                    <Show when={managesPerson(person) && !self()}>
                      <div class="form-actions">
                        <Show
                          when={person.active}
                          fallback={<button type="button" class="button button-secondary" disabled={reactivate.pending()} onClick={() => void reactivate.run(person)}>{t('peopleScreen.reactivate')}</button>}
                        >
                          <button type="button" class="button button-secondary button-danger-text" data-testid="deactivate" onClick={() => { deactivate.clearError(); setLeaving(person); }}>
                            {t('peopleScreen.deactivate')}
                          </button>
                        </Show>
                      </div>
                    </Show>
                  </li>
                );
              }}
            </For>
          </ul>
        )}
      </Show>
      <ConfirmDialog
        open={leaving() !== undefined}
        title={t('peopleScreen.deactivateTitle', { name: leaving()?.name ?? '' })}
        confirmLabel={t('peopleScreen.deactivate')}
        pending={deactivate.pending()}
        error={deactivate.error()}
        onConfirm={() => { const person = leaving(); if (person) void deactivate.run(person); }}
        onCancel={() => setLeaving(undefined)}
      >
        <p>{t('peopleScreen.deactivateBody', { name: leaving()?.name ?? '' })}</p>
      </ConfirmDialog>
    </Screen>
  );
}
