import { A, useParams, useSearchParams } from '@solidjs/router';
import { For, Show, createSignal } from 'solid-js';
import { fetchSealLedger } from '../../../api/hqEvidence';
import { routeId } from '../../../hq/evidence/evidenceView';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { RequireSession } from '../../../components/RequireSession';
import { formatDateTime } from '../../../i18n/format';
import { useI18n } from '../../../i18n/I18nProvider';
import { createLoad } from '../../../primitives/createLoad';
import { createStampNames } from '../../stamp/stampNames';
import { checkText, VerdictMark } from './EvidenceChecks';
import './evidence.css';

const DAY_MS = 86_400_000;
/** `yyyy-mm-dd` (a date input's value) to the start of that day, local time; `undefined` when empty or invalid. */
const dayStart = (value: string | undefined): number | undefined => {
  if (value === undefined || value === '') return undefined;
  const ms = new Date(`${value}T00:00:00`).getTime();
  return Number.isFinite(ms) ? ms : undefined;
};

/** `/hq/seals/:sealId/ledger?from=yyyy-mm-dd&to=yyyy-mm-dd`: the seal's device log over a period, and each request's evidence verdict. */
export function SealLedger() {
  return <RequireSession>{() => <SealLedgerScreen />}</RequireSession>;
}

function SealLedgerScreen() {
  const { t, locale } = useI18n();
  const params = useParams<{ sealId: string }>();
  // Requests by their document's title where this device holds them (the id otherwise).
  const names = createStampNames();
  const [search, setSearch] = useSearchParams<{ from?: string; to?: string }>();
  const [from, setFrom] = createSignal(search.from ?? '');
  const [to, setTo] = createSignal(search.to ?? '');
  const period = () => {
    const end = dayStart(search.to);
    return { ...(dayStart(search.from) === undefined ? {} : { from: dayStart(search.from) }), ...(end === undefined ? {} : { to: end + DAY_MS - 1 }) };
  };
  const load = createLoad(() => fetchSealLedger(routeId(params.sealId), period()));
  const apply = (event: SubmitEvent) => {
    event.preventDefault();
    setSearch({ from: from() || undefined, to: to() || undefined });
    void load.reload();
  };
  const typeText = (type: string) => t(`evidence.ledger.types.${type}` as 'evidence.ledger.types.stamp') ?? type;
  return (
    <section class="screen evidence" aria-labelledby="ledger-title">
      <header class="screen-header">
        <h1 id="ledger-title">{t('evidence.ledger.title')}</h1>
        <p class="lead">{t('evidence.ledger.lead')}</p>
      </header>
      <form class="panel ledger-period" onSubmit={apply}>
        <label>
          {t('evidence.ledger.from')}
          <input id="ledger-from" type="date" value={from()} onInput={(e) => setFrom(e.currentTarget.value)} />
        </label>
        <label>
          {t('evidence.ledger.to')}
          <input id="ledger-to" type="date" value={to()} onInput={(e) => setTo(e.currentTarget.value)} />
        </label>
        <button type="submit" class="button button-primary">
          {t('evidence.ledger.apply')}
        </button>
      </form>
      <ErrorAlert error={load.error()} />
      <Show when={load.data()}>
        {(ledger) => (
          <>
            <Show when={ledger().deviceId === null}>
              <p class="muted">{t('evidence.ledger.noDevice')}</p>
            </Show>
            <Show when={ledger().stampsWithoutRequest > 0}>
              <p class="alert alert-error">{t('evidence.ledger.stampsWithoutRequest', { count: String(ledger().stampsWithoutRequest) })}</p>
            </Show>
            <section class="panel" aria-labelledby="ledger-requests-title">
              <h2 id="ledger-requests-title">{t('evidence.ledger.requests')}</h2>
              <Show when={ledger().requests.length > 0} fallback={<p class="muted">{t('evidence.ledger.noRequests')}</p>}>
                <ul class="ledger-requests" data-testid="ledger-requests">
                  <For each={ledger().requests}>
                    {(request) => (
                      <li data-request-id={request.requestId} data-valid={String(request.valid)}>
                        <VerdictMark verdict={!request.valid ? 'failed' : request.warnings.length > 0 ? 'warning' : 'ok'} />{' '}
                        <A href={`/hq/requests/${encodeURIComponent(request.requestId)}/evidence`}>{names.requestTitle(request.requestId)}</A>{' '}
                        <span class="muted">{t('evidence.ledger.stamps', { count: String(request.stamps) })}</span>
                        <Show when={request.failed.length > 0}>
                          <p class="report-failed">{t('evidence.failedList', { list: request.failed.map((code) => checkText(t, code, 'title')).join('、') })}</p>
                        </Show>
                      </li>
                    )}
                  </For>
                </ul>
              </Show>
            </section>
            <section class="panel" aria-labelledby="ledger-entries-title">
              <h2 id="ledger-entries-title">{t('evidence.ledger.entries')}</h2>
              <Show when={ledger().entries.length > 0} fallback={<p class="muted">{t('evidence.ledger.noEntries')}</p>}>
                <div class="table-scroll">
                  <table class="ledger-table" data-testid="ledger-entries">
                    <thead>
                      <tr>
                        <th>{t('evidence.ledger.seq')}</th>
                        <th>{t('evidence.ledger.at')}</th>
                        <th>{t('evidence.ledger.type')}</th>
                        <th>{t('evidence.ledger.request')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      <For each={ledger().entries}>
                        {(entry) => (
                          <tr data-type={entry.type}>
                            <td>{entry.seq}</td>
                            <td>{formatDateTime(entry.at, locale())}</td>
                            <td>
                              <Show when={entry.type === 'stamp'} fallback={typeText(entry.type)}>
                                <A href={`/hq/stamps/${entry.deviceEventId}`}>
                                  {typeText(entry.type)}
                                  {entry.useIndex === null ? '' : ` · ${t('evidence.stampN', { n: String(entry.useIndex) })}`}
                                </A>
                              </Show>
                            </td>
                            <td>
                              <Show when={entry.requestId}>
                                {(requestId) => <A href={`/hq/requests/${encodeURIComponent(requestId())}/evidence`}>{names.requestTitle(requestId())}</A>}
                              </Show>
                            </td>
                          </tr>
                        )}
                      </For>
                    </tbody>
                  </table>
                </div>
              </Show>
            </section>
          </>
        )}
      </Show>
    </section>
  );
}
