import { A, useParams } from '@solidjs/router';
import { Show, createMemo } from 'solid-js';
import { bundleDownloadPath, fetchStampEvidence } from '../../../api/hqEvidence';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { RequireSession } from '../../../components/RequireSession';
import { routeId, stampsOf } from '../../../hq/evidence/evidenceView';
import { formatDateTime } from '../../../i18n/format';
import { useI18n } from '../../../i18n/I18nProvider';
import { createLoad } from '../../../primitives/createLoad';
import { ReportSummary } from './EvidenceChecks';
import { StampPieces } from './EvidencePieces';
import './evidence.css';

/** `/hq/stamps/:deviceEventId`: one stamp, every piece of its evidence, each verified. */
export function StampEvidence() {
  return <RequireSession>{() => <StampEvidenceScreen />}</RequireSession>;
}

function StampEvidenceScreen() {
  const { t, locale } = useI18n();
  const params = useParams<{ deviceEventId: string }>();
  const load = createLoad(() => fetchStampEvidence(routeId(params.deviceEventId)));
  const stamped = createMemo(() => {
    const evidence = load.data();
    return evidence === undefined ? undefined : stampsOf(evidence.bundle)[0];
  });
  return (
    <section class="screen evidence" aria-labelledby="evidence-title">
      <header class="screen-header">
        <h1 id="evidence-title">{t('evidence.stampTitle')}</h1>
        <p class="lead">{t('evidence.stampLead')}</p>
      </header>
      <ErrorAlert error={load.error()} />
      <Show when={load.loading() && load.data() === undefined}>
        <p class="loading">{t('common.loading')}</p>
      </Show>
      <Show when={load.data()}>
        {(evidence) => (
          <>
            <div class="evidence-head panel">
              <p class="evidence-what">
                <strong>{evidence().bundle.request.document.title}</strong>
                <span class="muted">
                  {' '}
                  · {evidence().bundle.seal.name}
                  <Show when={stamped()}>{(s) => <> · {formatDateTime(s().entry.at, locale())}</>}</Show>
                </span>
              </p>
              <ReportSummary report={evidence().report} />
              <div class="button-row">
                <a class="button button-primary" href={bundleDownloadPath('stamp', routeId(params.deviceEventId))} download="" data-testid="export-bundle">
                  {t('evidence.export')}
                </a>
                <A class="button button-secondary" href={`/hq/requests/${encodeURIComponent(evidence().bundle.request.id)}/evidence`}>
                  {t('evidence.openRequest')}
                </A>
                <A class="button button-secondary" href="/hq/verify">
                  {t('evidence.verifyLink')}
                </A>
              </div>
              <p class="muted evidence-hint">{t('evidence.exportHint')}</p>
            </div>
            <Show when={stamped()}>{(s) => <div class="evidence-grid"><StampPieces bundle={evidence().bundle} report={evidence().report} stamped={s()} /></div>}</Show>
          </>
        )}
      </Show>
    </section>
  );
}
