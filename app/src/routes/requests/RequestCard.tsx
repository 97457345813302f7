import { A } from '@solidjs/router';
import { For, Show, type JSX } from 'solid-js';
import type { RequestStatus } from '@seal/shared';
import { formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import type { RequestEntry } from '../../requests/requestBook';
import { useRequests } from '../../requests/RequestsProvider';
import { useSync } from '../../sync/SyncProvider';
import './requests.css';

/** A request's derived status as a coloured badge (`data-status` for tests). */
export function StatusBadge(props: { status: RequestStatus | undefined }) {
  const { t } = useI18n();
  return (
    <Show when={props.status}>
      {(status) => (
        <span class={`badge status-badge status-${status()}`} data-status={status()} data-testid="request-status">
          {t(`requestStatuses.${status()}`)}
        </span>
      )}
    </Show>
  );
}

/** "Waiting to sync" while a change of the request made here has not reached the server. */
export function WaitingBadge(props: { requestId: string }) {
  const { t } = useI18n();
  const requests = useRequests();
  return (
    <Show when={requests.isRequestWaiting(props.requestId)}>
      <span class="badge badge-waiting" data-testid="request-waiting" title={t('requests.waitingHint')}>
        {t('requests.waiting')}
      </span>
    </Show>
  );
}

/** Rows about the request that the server refused, with why (they take no effect). */
export function RefusedRows(props: { requestId: string }) {
  const { t } = useI18n();
  const sync = useSync();
  const refused = () => (sync.status()?.refusals ?? []).filter((r) => r.subject === `request:${props.requestId}`);
  return (
    <For each={refused()}>
      {(refusal) => (
        <p class="alert alert-error" role="alert" data-error-code={refusal.code}>
          {t('requests.refused', { reason: t(`sync.refusal.${refusal.code}`) })}
        </p>
      )}
    </For>
  );
}

/** One request in a list: the whole card opens it. */
export function RequestCard(props: { entry: RequestEntry; children?: JSX.Element }) {
  const { t, locale } = useI18n();
  const date = (ms: number): string => formatDateTime(ms, locale());
  const request = () => props.entry.request;
  return (
    <li data-request-id={request().id} data-status={props.entry.view?.status ?? ''}>
      <A href={`/requests/${request().id}`} class="card request-card">
        <span class="card-body">
          <span class="card-title">
            <span class="request-card-title">{request().document.title}</span>
            <StatusBadge status={props.entry.view?.status} />
            <WaitingBadge requestId={request().id} />
          </span>
          <span class="card-meta">
            <span>
              <Show when={props.entry.seal} fallback={t('requests.sealUnknown')}>
                {(seal) => `${seal().name} · ${t(`sealKinds.${seal().kind}`)}`}
              </Show>
            </span>
            <span>{t('requests.usesLine', { uses: String(request().usesRequested), from: date(request().window.notBefore), to: date(request().window.notAfter) })}</span>
            <span>{t('requests.submittedAt', { date: date(request().createdAt) })}</span>
          </span>
          {props.children}
        </span>
      </A>
    </li>
  );
}
