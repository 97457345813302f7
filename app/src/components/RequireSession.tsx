import { A, useLocation } from '@solidjs/router';
import { Match, Switch, type JSX } from 'solid-js';
import type { Role, SessionView as Session } from '@seal/shared';
import { useAuth } from '../auth/AuthProvider';
import { holdsRole } from '../auth/roles';
import { useI18n } from '../i18n/I18nProvider';
import { SessionEndedNote } from './SessionEndedNote';
import { MessagePanel } from './MessagePanel';

/**
 * Shows its children only to a signed-in user (holding `role`, if given); otherwise says why and
 * offers the way in. The server checks every request anyway: this only spares a useless screen.
 */
export function RequireSession(props: { role?: Role; children: (session: Session) => JSX.Element }) {
  const { t } = useI18n();
  const auth = useAuth();
  const location = useLocation();
  const signInHref = (): string => `/signin?next=${encodeURIComponent(location.pathname + location.search)}`;
  return (
    <Switch>
      <Match when={auth.session() === undefined}>
        <p class="loading">{t('common.loading')}</p>
      </Match>
      <Match when={auth.session() === null}>
        <MessagePanel titleId="guard-title" title={t('guard.signInTitle')} body={t('guard.signInBody')}>
          <SessionEndedNote />
          <A href={signInHref()} class="button button-primary">
            {t('guard.signIn')}
          </A>
        </MessagePanel>
      </Match>
      <Match when={props.role !== undefined && !holdsRole(auth.session(), props.role)}>
        <MessagePanel titleId="guard-title" title={t('guard.adminTitle')} body={t('guard.adminBody')}>
          <A href="/" class="button button-secondary">
            {t('common.backHome')}
          </A>
        </MessagePanel>
      </Match>
      <Match when={auth.session()}>{(session) => props.children(session())}</Match>
    </Switch>
  );
}
