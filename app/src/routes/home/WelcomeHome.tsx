import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import type { SessionView as Session } from '@seal/shared';
import { fetchUnits } from '../../api/units';
import { useAuth } from '../../auth/AuthProvider';
import { holdsRole } from '../../auth/roles';
import { mayReadHq } from '../../hq/hqAccess';
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
  // Headquarters first for those who read the merged log: for an auditor it is the work itself.
  const links = () => [
    { href: '/hq', title: t('hq.homeLink'), body: t('hq.homeBody'), show: mayReadHq(props.session) },
    { href: '/approvals', title: t('approvals.title'), body: awaiting() > 0 ? t('approvals.homeCount', { count: String(awaiting()) }) : t('approvals.homeBody'), show: holdsRole(props.session, 'approver') },
    { href: '/requests', title: t('requests.title'), body: t('requests.homeBody'), show: holdsRole(props.session, 'staff') },
    { href: '/archive', title: t('archive.homeLink'), body: t('archive.homeBody'), show: (['custodian', 'admin', 'auditor'] as const).some((role) => holdsRole(props.session, role)) },
    { href: '/passkeys', title: t('home.passkeysLink'), body: t('home.passkeysBody'), show: true },
    { href: '/stamp', title: t('stamp.title'), body: t('stamp.homeBody'), show: true },
    { href: '/seals', title: t('seals.homeLink'), body: t('seals.homeBody'), show: (['custodian', 'admin', 'auditor'] as const).some((role) => holdsRole(props.session, role)) },
    { href: '/devices', title: t('devices.title'), body: t('devices.homeBody'), show: holdsRole(props.session, 'admin') || holdsRole(props.session, 'custodian') || holdsRole(props.session, 'auditor') },
    { href: '/admin/invitations', title: t('home.invitationsLink'), body: t('home.invitationsBody'), show: holdsRole(props.session, 'admin') },
    { href: '/admin/units', title: t('home.unitsLink'), body: t('home.unitsBody'), show: holdsRole(props.session, 'admin') },
    { href: '/admin/webhooks', title: t('webhooks.title'), body: t('webhooks.homeBody'), show: holdsRole(props.session, 'admin') },
  ];
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
        <For each={links().filter((l) => l.show)}>
          {(link) => (
            <li>
              <A href={link.href} class="link-card">
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
