import { For, Show, createSignal } from 'solid-js';
import { fetchInvitations, revokeInvitation } from '../../api/invitations';
import type { InvitationView as Invitation, SessionView as Session } from '@seal/shared';
import { fetchUnits } from '../../api/units';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { RequireSession } from '../../components/RequireSession';
import { RoleList } from '../../components/RoleList';
import { useI18n } from '../../i18n/I18nProvider';
import { createAction } from '../../primitives/createAction';
import { createLoad } from '../../primitives/createLoad';
import { CreatedInvitation } from './CreatedInvitation';
import { InvitationCard } from './InvitationCard';
import { InvitationForm } from './InvitationForm';
import { Screen } from '../../components/Screen';

/** Admins invite people: a unit, roles, a one-time code shown once, and the open invitations. */
export function Invitations() {
  return <RequireSession role="admin">{(session) => <InvitationManager session={session} />}</RequireSession>;
}

function InvitationManager(props: { session: Session }) {
  const { t } = useI18n();
  const units = createLoad(fetchUnits);
  const invitations = createLoad(fetchInvitations);
  const [created, setCreated] = createSignal<{ code: string; invitation: Invitation }>();
  const [notice, setNotice] = createSignal<string>();
  const [toRevoke, setToRevoke] = createSignal<Invitation>();

  const revoke = createAction(async (invitation: Invitation) => {
    await revokeInvitation(invitation.id);
    setToRevoke(undefined);
    setNotice(t('invitations.revoked'));
    await invitations.reload();
  });

  const open = (): Invitation[] => (invitations.data() ?? []).filter((i) => i.state === 'open');
  const closed = (): Invitation[] => (invitations.data() ?? []).filter((i) => i.state !== 'open');

  const invitationCard = (invitation: Invitation) => (
    <InvitationCard
      invitation={invitation}
      units={units.data()}
      onRevoke={(chosen) => {
        revoke.clearError();
        setToRevoke(chosen);
      }}
    />
  );

  return (
    <Screen id="invitations" title={t('invitations.title')} lead={t('invitations.lead')} notice={notice()}>
      <Show when={created()}>
        {(result) => (
          <CreatedInvitation result={result()} units={units.data()} onDone={() => setCreated(undefined)} />
        )}
      </Show>
      <div class="columns">
        <InvitationForm
          session={props.session}
          units={units.data()}
          unitsError={units.error()}
          onCreated={(result) => {
            setCreated(result);
            setNotice(undefined);
            return invitations.reload();
          }}
        />
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
