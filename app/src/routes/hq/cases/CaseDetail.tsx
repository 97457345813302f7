import { A, useParams } from '@solidjs/router';
import { For, Show, createSignal, type JSX } from 'solid-js';
import type { SessionView as Session } from '@seal/shared';
import { acknowledgeCase, fetchCase, resolveCase, type CaseView } from '../../../api/hqCases';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { Field } from '../../../components/Field';
import { RequireSession } from '../../../components/RequireSession';
import { evidenceHref } from '../../../hq/caseViews';
import { mayAnywhere } from '../../../hq/hqAccess';
import { formatChinaDateMinute } from '../../../i18n/format';
import { useI18n } from '../../../i18n/I18nProvider';
import { createAction } from '../../../primitives/createAction';
import { createLoad } from '../../../primitives/createLoad';
import { HqAccess } from '../HqAccess';
import { createHqChoices } from '../hqChoices';
import '../hq.css';
import './cases.css';

/** `/hq/cases/:id`: one case, its evidence, its review (acknowledge; resolve with a note) and the steps taken. */
export function CaseDetail() {
  return <RequireSession>{(session) => <HqAccess session={session}>{() => <CaseScreen session={session} />}</HqAccess>}</RequireSession>;
}

function CaseScreen(props: { session: Session }) {
  const { t, locale } = useI18n();
  const params = useParams<{ id: string }>();
  const choices = createHqChoices(() => props.session);
  const [shown, setShown] = createSignal<CaseView>();
  const load = createLoad(async () => setShown(await fetchCase(params.id)));
  const [note, setNote] = createSignal('');
  const acknowledge = createAction(async () => setShown(await acknowledgeCase(params.id)));
  const resolve = createAction(async () => setShown(await resolveCase(params.id, note().trim())));
  const when = (ms: number): string => formatChinaDateMinute(ms, locale());
  const mayReview = (): boolean => mayAnywhere(props.session, 'case.review');

  return (
    <section class="screen hq case-detail" aria-labelledby="case-title">
      <header class="screen-header">
        <p><A href="/hq/cases">{t('cases.back')}</A></p>
        <h1 id="case-title">{t('cases.caseTitle')}</h1>
      </header>
      <ErrorAlert error={load.error()} />
      <Show when={shown()} fallback={<Show when={load.loading()}><p class="loading">{t('common.loading')}</p></Show>}>
        {(c) => (
          <>
            <dl class="panel case-facts">
              <Fact label={t('cases.kindLabel')}>{t(`anomalyKinds.${c().kind}`)}</Fact>
              <Fact label={t('cases.severityLabel')}>{t(`cases.severities.${c().severity}`)}</Fact>
              <Fact label={t('cases.statusLabel')}><span data-testid="case-status">{t(`cases.statuses.${c().status}`)}</span></Fact>
              <Fact label={t('hq.eventUnit')}>{choices.unitName(c().unitId)}</Fact>
              <Fact label={t('cases.when')}>{t('hq.chinaMoment', { time: when(c().at) })}</Fact>
              <Fact label={t('cases.message')}>{c().message}</Fact>
            </dl>
            <section class="panel" aria-labelledby="case-evidence-title">
              <h2 id="case-evidence-title" class="section-title">{t('cases.evidence')}</h2>
              <ul class="case-evidence" data-testid="case-evidence">
                <Show when={c().requestId}>{(id) => <li><A href={`/hq/requests/${encodeURIComponent(id())}/evidence`}>{t('cases.requestEvidence')}</A></li>}</Show>
                <Show when={c().sealId}>{(id) => <li><A href={`/hq/seals/${encodeURIComponent(id())}/ledger`}>{t('cases.sealLedger', { seal: choices.sealName(id()) })}</A></li>}</Show>
                <For each={c().evidence}>
                  {(row) => <li>{evidenceHref(row) ? <A href={evidenceHref(row)!} data-testid="case-evidence-link">{t('cases.stampEvidence', { id: row.replace(/^fact:device_event:/, '') })}</A> : <code>{row}</code>}</li>}
                </For>
              </ul>
            </section>
            <section class="panel" aria-labelledby="case-history-title">
              <h2 id="case-history-title" class="section-title">{t('cases.history')}</h2>
              <ol class="case-history" data-testid="case-history">
                <li>{t('cases.stepOpened', { time: when(c().openedAt) })}</li>
                <Show when={c().acknowledgedAt}>{(at) => <li>{t('cases.stepAcknowledged', { time: when(at()), who: choices.personName(c().acknowledgedBy ?? '') })}</li>}</Show>
                <Show when={c().resolvedAt}>
                  {(at) => (
                    <li data-testid="case-resolution">
                      {t('cases.stepResolved', { time: when(at()), who: choices.personName(c().resolvedBy ?? '') })}
                      <blockquote class="case-note">{c().resolution}</blockquote>
                    </li>
                  )}
                </Show>
              </ol>
            </section>
            <Show when={mayReview() && c().status !== 'resolved'}>
              <section class="panel" aria-labelledby="case-review-title">
                <h2 id="case-review-title" class="section-title">{t('cases.review')}</h2>
                <Show when={c().status === 'open'}>
                  <div class="button-row">
                    <button type="button" class="button button-secondary" disabled={acknowledge.pending()} onClick={() => void acknowledge.run()}>{t('cases.acknowledge')}</button>
                  </div>
                  <ErrorAlert error={acknowledge.error()} />
                </Show>
                <form onSubmit={(e) => { e.preventDefault(); if (note().trim() !== '') void resolve.run(); }}>
                  <Field id="case-note" label={t('cases.note')} hint={t('cases.noteHint')}>
                    <textarea id="case-note" class="input" rows={3} maxLength={2000} value={note()} onInput={(e) => setNote(e.currentTarget.value)} disabled={resolve.pending()} />
                  </Field>
                  <div class="button-row">
                    <button type="submit" class="button button-primary" disabled={note().trim() === '' || resolve.pending()} aria-describedby={note().trim() === '' ? 'case-note-needed' : undefined}>{t('cases.resolve')}</button>
                  </div>
                  <Show when={note().trim() === ''}><p id="case-note-needed" class="muted" data-testid="note-needed">{t('cases.noteNeeded')}</p></Show>
                  <ErrorAlert error={resolve.error()} />
                </form>
              </section>
            </Show>
          </>
        )}
      </Show>
    </section>
  );
}

function Fact(props: { label: string; children: JSX.Element }) {
  return (
    <div class="case-fact">
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}
