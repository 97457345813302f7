import { A, useNavigate, useSearchParams } from '@solidjs/router';
import { Match, Switch, createSignal, onMount } from 'solid-js';
import { loginOptions, loginVerify } from '../api/auth';
import { useAuth } from '../auth/AuthProvider';
import { usePasskey } from '../auth/passkeyCeremonies';
import { ErrorAlert } from '../components/ErrorAlert';
import { Progress } from '../components/Progress';
import { SessionEndedNote } from '../components/SessionEndedNote';
import { useI18n } from '../i18n/I18nProvider';
import { createAction } from '../primitives/createAction';
import { MessagePanel } from '../components/MessagePanel';

/** Where to go after signing in: a path inside the app only (never `//elsewhere` or a full URL). */
const safeNext = (next: unknown): string => (typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') ? next : '/');

/** Sign-in with a discoverable passkey: one button, no user name. */
export function SignIn() {
  const { t } = useI18n();
  const auth = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams<{ next?: string }>();
  const [stage, setStage] = createSignal<'passkey' | 'verifying'>();
  const [signedInHere, setSignedInHere] = createSignal(false);

  const signIn = createAction(async () => {
    try {
      const options = await loginOptions();
      setStage('passkey');
      const response = await usePasskey(options);
      setStage('verifying');
      await loginVerify(response);
      setSignedInHere(true);
      await auth.refresh();
      navigate(safeNext(params.next), { replace: true });
    } finally {
      setStage(undefined);
    }
  });

  // This device may have learnt "not set up" before the administrator finished: ask again.
  onMount(() => {
    if (auth.setupState() !== 'done') void auth.refresh();
  });

  const progress = (): string | undefined =>
    stage() === 'passkey' ? t('ceremony.usingPasskey') : stage() === 'verifying' ? t('ceremony.verifying') : undefined;

  return (
    <Switch
      fallback={
        <section class="screen screen-form" aria-labelledby="signin-title">
          <header class="screen-header">
            <h1 id="signin-title">{t('signIn.title')}</h1>
            <p class="lead">{t('signIn.lead')}</p>
          </header>
          <SessionEndedNote />
          <div class="panel form signin-panel">
            <button type="button" class="button button-primary button-large button-block" onClick={() => void signIn.run()} disabled={signIn.pending()}>
              <span class="passkey-icon" aria-hidden="true" />
              {t('signIn.button')}
            </button>
            <Progress message={progress()} />
            <ErrorAlert error={signIn.error()} />
          </div>
          <div class="aside">
            <p class="muted">{t('signIn.noAccount')}</p>
            <A href="/join" class="button button-secondary">
              {t('signIn.haveCode')}
            </A>
          </div>
        </section>
      }
    >
      <Match when={auth.setupState() === 'pending'}>
        <MessagePanel titleId="signin-title" title={t('signIn.setupPendingTitle')} body={t('signIn.setupPendingBody')}>
          <A href="/setup" class="button button-primary">
            {t('signIn.goSetup')}
          </A>
        </MessagePanel>
      </Match>
      <Match when={!signedInHere() && !signIn.pending() && auth.session()}>
        {(session) => (
          <MessagePanel titleId="signin-title" title={t('signIn.alreadyTitle')} body={t('signIn.alreadyBody', { name: session().user.name })}>
            <A href="/" class="button button-primary">
              {t('common.backHome')}
            </A>
          </MessagePanel>
        )}
      </Match>
    </Switch>
  );
}
