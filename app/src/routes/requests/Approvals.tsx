import { For, Show, createMemo } from 'solid-js';
import type { SessionView as Session } from '@seal/shared';
import { holdsRole } from '../../auth/roles';
import { RequireSession } from '../../components/RequireSession';
import { formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { useDirectory } from '../../org/DirectoryProvider';
import { awaitingDecision, decidedBy, lastDecisionAt, verdictOf } from '../../requests/requestBook';
import { useRequests } from '../../requests/RequestsProvider';
import { RequestCard } from './RequestCard';
import { GovernanceInbox } from './GovernanceInbox';
import { Screen } from '../../components/Screen';

/** `/approvals`: the requests in the approver's scope awaiting their decision, the seal changes awaiting it, and those they decided. */
export function Approvals() {
  return <RequireSession>{(session) => <ApprovalInbox session={session} />}</RequireSession>;
}

function ApprovalInbox(props: { session: Session }) {
  const { t, locale } = useI18n();
  const requests = useRequests();
  const directory = useDirectory();
  const waiting = createMemo(() => {
    const me = requests.me();
    return me === undefined ? [] : awaitingDecision(requests.entries(), me, directory.units());
  });
  const decided = createMemo(() => decidedBy(requests.entries(), props.session.user.id));
  return (
    <Screen id="approvals" title={t('approvals.title')} lead={t('approvals.lead')}>
      <Show when={directory.state() === 'unavailable'}>
        <p class="note note-warn">{t('requests.noDirectory')}</p>
      </Show>
      <Show when={!holdsRole(props.session, 'approver')}>
        <p class="note note-quiet">{t('approvals.notApprover')}</p>
      </Show>
      <div class="approval-lists">
        <section aria-labelledby="waiting-title">
          <h2 id="waiting-title" class="section-title">
            {t('approvals.waitingTitle')} <span class="count">{waiting().length}</span>
          </h2>
          <Show when={waiting().length > 0} fallback={<p class="empty">{t('approvals.none')}</p>}>
            <ul class="card-list" data-testid="awaiting-decision">
              <For each={waiting()}>
                {(entry) => (
                  <RequestCard entry={entry}>
                    <span class="card-meta">{t('approvals.requestedBy', { name: directory.userName(entry.request.requesterId) })}</span>
                  </RequestCard>
                )}
              </For>
            </ul>
          </Show>
        </section>
        <GovernanceInbox me={requests.me()} />
        <section aria-labelledby="decided-title">
          <h2 id="decided-title" class="section-title">
            {t('approvals.decidedTitle')}
          </h2>
          <Show when={decided().length > 0} fallback={<p class="empty">{t('approvals.noneDecided')}</p>}>
            <ul class="card-list" data-testid="decided-by-me">
              <For each={decided()}>
                {(entry) => (
                  <RequestCard entry={entry}>
                    <span class="card-meta">
                      <span>{t('approvals.requestedBy', { name: directory.userName(entry.request.requesterId) })}</span>
                      <span data-testid="my-verdict" data-verdict={verdictOf(entry, props.session.user.id)}>
                        {t('approvals.decidedAt', {
                          verdict: t(`requests.verdict_${verdictOf(entry, props.session.user.id) ?? 'approve'}`),
                          date: formatDateTime(lastDecisionAt(entry, props.session.user.id), locale()),
                        })}
                      </span>
                    </span>
                  </RequestCard>
                )}
              </For>
            </ul>
          </Show>
        </section>
      </div>
    </Screen>
  );
}
