import { A, useNavigate } from '@solidjs/router';
import { Match, Switch, createSignal } from 'solid-js';
import { useAuth } from '../auth/AuthProvider';
import { useI18n } from '../i18n/I18nProvider';
import { createAction } from '../primitives/createAction';
import { useSync } from '../sync/SyncProvider';
import { ConfirmDialog } from './ConfirmDialog';

/** How long signing out waits for what waits to go up before it asks. */
const SEND_FIRST_MS = 4000;

/** Who is signed in, and the way out; or, once the organisation exists, the way in. */
export function AccountMenu() {
  const { t } = useI18n();
  const auth = useAuth();
  const navigate = useNavigate();
  const sync = useSync();
  /** Rows and photos of this person's that have not reached the server (they stay in their own store). */
  const waiting = (): number => (sync.status()?.pending ?? 0) + (sync.status()?.attachments.queued ?? 0);
  const [asking, setAsking] = createSignal(0);
  const signOut = createAction(async () => {
    await auth.signOut();
    setAsking(0);
    navigate('/');
  });
  /**
   * What this person did offline (a rejection, a cancellation, stamp photos) goes up only while
   * they are signed in here: sent first if the network allows, and if it does not, signed out
   * only when they say so, told what waits.
   */
  const askToSignOut = createAction(async () => {
    if (waiting() > 0) {
      sync.syncNow();
      await Promise.race([sync.awaitInSync().catch(() => undefined), new Promise((done) => setTimeout(done, SEND_FIRST_MS))]);
    }
    if (waiting() > 0) setAsking(waiting());
    else await signOut.run();
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
            <button type="button" class="button button-secondary button-small" onClick={() => void askToSignOut.run()} disabled={signOut.pending() || askToSignOut.pending()}>
              {askToSignOut.pending() ? t('account.sendingFirst') : t('account.signOut')}
            </button>
            <ConfirmDialog
              open={asking() > 0} title={t('account.waitingTitle')} confirmLabel={t('account.signOutAnyway')} pending={signOut.pending()} error={signOut.error()}
              onConfirm={() => void signOut.run()} onCancel={() => setAsking(0)}
            >
              <p data-testid="sign-out-waiting">{t('account.waiting', { count: asking() })}</p>
            </ConfirmDialog>
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
