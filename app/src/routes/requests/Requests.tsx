import { A } from '@solidjs/router';
import { For, Show, createMemo } from 'solid-js';
import type { SessionView as Session } from '@seal/shared';
import { holdsRole } from '../../auth/roles';
import { RequireSession } from '../../components/RequireSession';
import { useI18n } from '../../i18n/I18nProvider';
import { useDirectory } from '../../org/DirectoryProvider';
import { useRequests } from '../../requests/RequestsProvider';
import { RequestCard } from './RequestCard';
import { Screen } from '../../components/Screen';

/** `/requests`: the signed-in user's own seal requests, newest first, with their derived status. */
export function Requests() {
  return <RequireSession>{(session) => <MyRequests session={session} />}</RequireSession>;
}

function MyRequests(props: { session: Session }) {
  const { t } = useI18n();
  const requests = useRequests();
  const directory = useDirectory();
  const mine = createMemo(() => requests.entries().filter((e) => e.request.requesterId === props.session.user.id));
  return (
    <Screen id="requests" title={t('requests.title')} lead={t('requests.lead')}>
      <Show when={directory.state() === 'unavailable'}>
        <p class="note note-warn">{t('requests.noDirectory')}</p>
      </Show>
      <Show when={holdsRole(props.session, 'staff')}>
        <div class="form-actions">
          <A href="/requests/new" class="button button-primary">
            {t('requests.newRequest')}
          </A>
        </div>
      </Show>
      <Show when={mine().length > 0} fallback={<p class="empty">{t('requests.none')}</p>}>
        <ul class="card-list" aria-label={t('requests.title')} data-testid="my-requests">
          <For each={mine()}>{(entry) => <RequestCard entry={entry} />}</For>
        </ul>
      </Show>
    </Screen>
  );
}
