import { A } from '@solidjs/router';
import { SessionEndedNote } from '../../components/SessionEndedNote';
import { useI18n } from '../../i18n/I18nProvider';

/** The organisation exists and nobody is signed in on this device: sign in, or join. */
export function SignedOutHome() {
  const { t } = useI18n();
  return (
    <section class="hero" aria-labelledby="signed-out-title">
      <img class="empty-mark" src="/icons/icon.svg" alt="" width="88" height="88" />
      <h1 id="signed-out-title">{t('home.signedOutTitle')}</h1>
      <p class="lead">{t('home.signedOutLead')}</p>
      <SessionEndedNote />
      <div class="cta">
        <A href="/signin" class="button button-primary button-large">
          <span class="passkey-icon" aria-hidden="true" />
          {t('home.signIn')}
        </A>
      </div>
      <div class="aside">
        <p class="muted">{t('home.signedOutInvite')}</p>
        <A href="/join" class="button button-secondary">
          {t('home.haveInvitation')}
        </A>
      </div>
    </section>
  );
}
