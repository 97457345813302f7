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
import { mayAnywhere } from '../../hq/hqAccess';
import type { RequestEntry } from '../../requests/requestBook';
import { ScopeRequests } from './ScopeRequests';

/**
 * `/requests`: for staff, their own seal requests, newest first, with their derived status; for
 * custodians, administrators and auditors, the requests of their units with search and filters.
 */
export function Requests() {
  return <RequireSession>{(session) => <MyRequests session={session} />}</RequireSession>;
}

function MyRequests(props: { session: Session }) {
  const { t } = useI18n();
  const requests = useRequests();
  const directory = useDirectory();
  const mine = createMemo(() => requests.entries().filter((e) => e.request.requesterId === props.session.user.id));
  // Custodians, administrators and auditors read the requests of their units; staff apply.
  const reader = () => mayAnywhere(props.session, 'log.read');
  const applies = () => holdsRole(props.session, 'staff');
  return (
    <Screen id="requests" title={reader() ? t('requestList.scopeTitle') : t('requests.title')} lead={reader() ? t('requestList.scopeLead') : t('requests.lead')}>
      <Show when={reader()}>
        <ScopeRequests />
      </Show>
      <Show when={applies() || !reader()}>
        <MineList session={props.session} mine={mine()} directoryMissing={directory.state() === 'unavailable'} heading={reader()} />
      </Show>
    </Screen>
  );
}

function MineList(props: { session: Session; mine: readonly RequestEntry[]; directoryMissing: boolean; heading: boolean }) {
  const { t } = useI18n();
  return (
    <>
      <Show when={props.heading}>
        <h2 class="section-title">{t('requestList.mineHeading')}</h2>
      </Show>
      <Show when={props.directoryMissing}>
        <p class="note note-warn">{t('requests.noDirectory')}</p>
      </Show>
      <Show when={holdsRole(props.session, 'staff')}>
        <div class="form-actions">
          <A href="/requests/new" class="button button-primary">
            {t('requests.newRequest')}
          </A>
        </div>
      </Show>
      <Show when={props.mine.length > 0} fallback={<p class="empty">{t('requests.none')}</p>}>
        <ul class="card-list" aria-label={t('requests.title')} data-testid="my-requests">
          <For each={props.mine}>{(entry) => <RequestCard entry={entry} />}</For>
        </ul>
      </Show>
    </>
  );
}
