import { A, useNavigate } from '@solidjs/router';
import { Match, Switch } from 'solid-js';
import { useAuth } from '../auth/AuthProvider';
import { useI18n } from '../i18n/I18nProvider';
import { createAction } from '../primitives/createAction';

/** Who is signed in, and the way out; or, once the organisation exists, the way in. */
export function AccountMenu() {
  const { t } = useI18n();
  const auth = useAuth();
  const navigate = useNavigate();
  const signOut = createAction(async () => {
    await auth.signOut();
    navigate('/');
  });
  return (
    <Switch>
      <Match when={auth.session()}>
        {(session) => (
          <div class="account" data-testid="account">
            <span class="account-name" title={session().user.name}>
              <span class="visually-hidden">{t('account.label')}: </span>
              {session().user.name}
            </span>
            <button type="button" class="button button-secondary button-small" onClick={() => void signOut.run()} disabled={signOut.pending()}>
              {t('account.signOut')}
            </button>
          </div>
        )}
      </Match>
      <Match when={auth.session() === null && auth.setupState() === 'done'}>
        <A href="/signin" class="button button-secondary button-small account-signin">
          {t('account.signIn')}
        </A>
      </Match>
    </Switch>
  );
}
