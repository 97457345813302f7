import { Match, Switch } from 'solid-js';
import { useAuth } from '../auth/AuthProvider';
import { useI18n } from '../i18n/I18nProvider';
import { EmptyState } from './home/EmptyState';
import { SignedOutHome } from './home/SignedOutHome';
import { WelcomeHome } from './home/WelcomeHome';

/**
 * Home. With no organisation it is the empty state that explains the way in; once set up, the
 * way to sign in; signed in, a welcome with the user's roles (later their inbox / work list).
 */
export function Home() {
  const { t } = useI18n();
  const auth = useAuth();
  return (
    <Switch fallback={<EmptyState setupOpen={false} />}>
      <Match when={auth.session()}>{(session) => <WelcomeHome session={session()} />}</Match>
      <Match when={auth.setupState() === 'pending'}>
        <EmptyState setupOpen />
      </Match>
      <Match when={auth.setupState() === 'done' && auth.session() === null}>
        <SignedOutHome />
      </Match>
      {/* Not known yet: a quiet placeholder rather than a screen that may be wrong. */}
      <Match when={!auth.ready() || auth.setupState() === 'done'}>
        <p class="loading">{t('common.loading')}</p>
      </Match>
    </Switch>
  );
}
