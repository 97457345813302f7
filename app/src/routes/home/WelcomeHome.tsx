import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import type { SessionView as Session } from '@seal/shared';
import { fetchUnits } from '../../api/units';
import { useAuth } from '../../auth/AuthProvider';
import { actorFromSession } from '../../auth/actorFromSession';
import { navItems, type NavKey } from '../../auth/navItems';
import { mayAnywhere } from '../../hq/hqAccess';
import { RoleList } from '../../components/RoleList';
import { useI18n } from '../../i18n/I18nProvider';
import { createLoad } from '../../primitives/createLoad';
import { awaitingDecision } from '../../requests/requestBook';
import { useRequests } from '../../requests/RequestsProvider';
import { useDirectory } from '../../org/DirectoryProvider';

/** Signed in: who you are, your roles, and where to go. Later this becomes the work list. */
export function WelcomeHome(props: { session: Session }) {
  const { t } = useI18n();
  const auth = useAuth();
  // Unit names make the roles readable; without them (offline) the role names alone are shown.
  const units = createLoad(fetchUnits);
  const requests = useRequests();
  const directory = useDirectory();
  const awaiting = (): number => {
    const me = requests.me();
    return me === undefined ? 0 : awaitingDecision(requests.entries(), me, directory.units()).length;
  };
  // The cards are the navigation's places (`navItems`: what the person's roles allow), each with
  // a sentence for this person: an auditor reads seals, a custodian keeps them.
  const keeps = () => mayAnywhere(props.session, 'seal.update');
  const body = (key: NavKey): string => {
    switch (key) {
      case 'hq': return t('hq.homeBody');
      case 'approvals': return awaiting() > 0 ? t('approvals.homeCount', { count: String(awaiting()) }) : t('approvals.homeBody');
      case 'requests': return mayAnywhere(props.session, 'log.read') ? t('requestList.homeBody') : t('requests.homeBody');
      case 'archive': return t('archive.homeBody');
      case 'stamp': return t('stamp.homeBody');
      case 'seals': return keeps() ? t('seals.homeBody') : t('seals.homeBodyReader');
      case 'devices': return t('devices.homeBody');
      case 'people': return mayAnywhere(props.session, 'user.manage') ? t('peopleScreen.homeBody') : t('peopleScreen.homeBodyReader');
      case 'invitations': return t('home.invitationsBody');
      case 'units': return t('home.unitsBody');
      case 'routes': return t('approvalRoutes.homeBody');
      case 'webhooks': return t('webhooks.homeBody');
      case 'home': return '';
    }
  };
  const title = (key: NavKey): string => (key === 'hq' ? t('hq.homeLink') : key === 'seals' ? t('seals.homeLink') : key === 'archive' ? t('archive.homeLink') : t(`appNav.${key}`));
  // Headquarters first for those who read the merged log: for an auditor it is the work itself.
  const links = () => {
    const places = navItems(actorFromSession(props.session.user), directory.units()).filter((i) => i.key !== 'home');
    const hq = places.filter((i) => i.key === 'hq');
    return [...hq, ...places.filter((i) => i.key !== 'hq'), { key: 'passkeys' as const, href: '/passkeys' }].map((i) =>
      i.key === 'passkeys' ? { key: i.key, href: i.href, title: t('home.passkeysLink'), body: t('home.passkeysBody') } : { key: i.key, href: i.href, title: title(i.key), body: body(i.key) });
  };
  return (
    <section class="welcome" aria-labelledby="welcome-title" data-user-id={props.session.user.id}>
      <h1 id="welcome-title">{t('home.welcomeTitle', { name: props.session.user.name })}</h1>
      <p class="lead">{t('home.welcomeLead')}</p>
      <Show when={auth.sessionFromCache()}>
        <p class="note note-warn">{t('home.offlineSession')}</p>
      </Show>
      <h2 class="steps-label">{t('home.rolesLabel')}</h2>
      <Show when={props.session.user.grants.length > 0} fallback={<p class="muted">{t('home.noRoles')}</p>}>
        <RoleList grants={props.session.user.grants} units={units.data()} label={t('home.rolesLabel')} />
      </Show>
      <h2 class="steps-label">{t('home.linksLabel')}</h2>
      <ul class="link-cards">
        <For each={links()}>
          {(link) => (
            <li>
              <A href={link.href} class="link-card" data-card={link.key}>
                <span class="link-card-title">{link.title}</span>
                <span class="link-card-body">{link.body}</span>
              </A>
            </li>
          )}
        </For>
      </ul>
    </section>
  );
}
