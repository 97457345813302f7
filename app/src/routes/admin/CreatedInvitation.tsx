import type { InvitationView as Invitation, UnitView as Unit } from '@seal/shared';
import { CopyButton } from '../../components/CopyButton';
import { RoleList } from '../../components/RoleList';
import { useI18n } from '../../i18n/I18nProvider';

const joinLink = (code: string): string => `${window.location.origin}/join?code=${encodeURIComponent(code)}`;

/** A new invitation's code and link, shown once: the admin hands them over, then closes the panel. */
export function CreatedInvitation(props: { result: { code: string; invitation: Invitation }; units: readonly Unit[] | undefined; onDone: () => void }) {
  const { t } = useI18n();
  const result = () => props.result;
  return (
    <section class="panel created-invitation" aria-labelledby="created-title" data-testid="created-invitation">
      <h2 id="created-title">{t('invitations.createdTitle')}</h2>
      <p class="muted">{t('invitations.createdOnce')}</p>
      <RoleList grants={result().invitation.roles.map((role) => ({ role, unitId: result().invitation.unitId }))} units={props.units} label={t('invitations.rolesLabel')} />
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
        <button type="button" class="button button-primary" onClick={() => props.onDone()}>
          {t('invitations.done')}
        </button>
      </div>
    </section>
  );
}
