import type { InvitationView as Invitation, UnitView as Unit } from '@seal/shared';
import { Show } from 'solid-js';
import { RoleList } from '../../components/RoleList';
import { formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';

/** One invitation: its roles, note, dates, and (while open) the way to revoke it. */
export function InvitationCard(props: { invitation: Invitation; units: readonly Unit[] | undefined; onRevoke: (invitation: Invitation) => void }) {
  const { t, locale } = useI18n();
  const date = (ms: number): string => formatDateTime(ms, locale());
  const invitation = () => props.invitation;
  return (
    <li class="card" data-invitation-id={invitation().id} data-state={invitation().state}>
      <div class="card-body">
        <div class="card-title">
          <RoleList grants={invitation().roles.map((role) => ({ role, unitId: invitation().unitId }))} units={props.units} label={t('invitations.rolesLabel')} />
          <Show when={invitation().state !== 'open'}>
            <span class="badge badge-muted">{t(`invitations.state_${invitation().state}`)}</span>
          </Show>
        </div>
        <Show when={invitation().note}>
          <p class="card-note">{invitation().note}</p>
        </Show>
        <p class="card-meta">
          <span>{t('invitations.createdAt', { date: date(invitation().createdAt) })}</span>
          <span>{t('invitations.expires', { date: date(invitation().expiresAt) })}</span>
        </p>
      </div>
      <Show when={invitation().state === 'open'}>
        <button
          type="button"
          class="button button-secondary button-danger-text"
          onClick={() => props.onRevoke(invitation())}
        >
          {t('invitations.revoke')}
        </button>
      </Show>
    </li>
  );
}
