import { A } from '@solidjs/router';
import { For, Show, createMemo, createResource, onCleanup } from 'solid-js';
import { can, type User } from '@seal/shared';
import { fetchGovernanceRequests } from '../../api/governance';
import { signingOut } from '../../api/reachability';
import { formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { useDirectory } from '../../org/DirectoryProvider';

/**
 * The seal changes awaiting this approver's decision (ADR 009): pending governance requests on
 * seals in their scope that they did not ask for and have not decided, each leading to the seal
 * page, where they read the proposal and decide with a passkey. From the server (an approval is
 * online); offline the list is empty.
 */
/** How often the open list asks the server again. */
const REFRESH_MS = 15_000;

export function GovernanceInbox(props: { me: User | undefined }) {
  const { t, locale } = useI18n();
  const directory = useDirectory();
  const [pending, { refetch }] = createResource(() => fetchGovernanceRequests({ state: 'pending' }).catch(() => []), { initialValue: [] });
  // A change asked for while the list is open shows up without leaving the page.
  const timer = setInterval(() => {
    if (navigator.onLine && !signingOut()) void refetch();
  }, REFRESH_MS);
  onCleanup(() => clearInterval(timer));
  const mine = createMemo(() => {
    const me = props.me;
    if (me === undefined) return [];
    return pending().filter(({ request }) =>
      !request.decisions.some((d) => d.approverId === me.id) && can(me, 'request.decide', { unitId: request.unitId, requesterId: request.requesterId }, directory.units()).ok);
  });
  return (
    <section aria-labelledby="governance-inbox-title" data-testid="governance-inbox">
      <h2 id="governance-inbox-title" class="section-title">
        {t('governance.inboxTitle')} <span class="count">{mine().length}</span>
      </h2>
      <p class="muted">{t('governance.inboxLead')}</p>
      <Show when={mine().length > 0} fallback={<p class="empty">{t('governance.inboxNone')}</p>}>
        <ul class="card-list">
          <For each={mine()}>
            {(view) => (
              <li>
                <A href={`/seals/${encodeURIComponent(view.request.sealId)}`} class="card" data-testid="governance-inbox-item" data-request-id={view.request.id} data-action={view.request.action}>
                  <span class="card-title">{view.seal.name}</span>
                  <span class="card-meta">
                    {t('governance.inboxLine', { action: t(`governance.action_${view.request.action}`), name: directory.userName(view.request.requesterId), date: formatDateTime(view.request.createdAt, locale()) })}
                  </span>
                  <span class="card-meta">{t('governance.reason', { reason: view.request.reason })}</span>
                </A>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}
