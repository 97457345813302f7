import { A, useParams } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { bundleDownloadPath, fetchRequestEvidence } from '../../../api/hqEvidence';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { RequireSession } from '../../../components/RequireSession';
import { checksIn, routeId } from '../../../hq/evidence/evidenceView';
import { useI18n } from '../../../i18n/I18nProvider';
import { createLoad } from '../../../primitives/createLoad';
import { EvidencePanel, ReportSummary } from './EvidenceChecks';
import { RequestPieces, StampCards } from './EvidencePieces';
import './evidence.css';

/** Each stamp's own pieces, for all the request's stamps at once. */
const STAMP_SECTIONS = ['photo', 'place', 'clock'] as const;

/** `/hq/requests/:requestId/evidence`: a request's stamps, and its request, approvals and grant, each verified. */
export function RequestEvidence() {
  return <RequireSession>{() => <RequestEvidenceScreen />}</RequireSession>;
}

function RequestEvidenceScreen() {
  const { t } = useI18n();
  const params = useParams<{ requestId: string }>();
  const load = createLoad(() => fetchRequestEvidence(routeId(params.requestId)));
  return (
    <section class="screen evidence" aria-labelledby="evidence-title">
      <header class="screen-header">
        <h1 id="evidence-title">{t('evidence.requestTitle')}</h1>
        <p class="lead">{t('evidence.requestLead')}</p>
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
                <span class="muted"> · {evidence().bundle.seal.name}</span>
              </p>
              <ReportSummary report={evidence().report} />
              <div class="button-row">
                <a class="button button-primary" href={bundleDownloadPath('request', routeId(params.requestId))} download="" data-testid="export-bundle">
                  {t('evidence.export')}
                </a>
                <A class="button button-secondary" href="/hq/verify">
                  {t('evidence.verifyLink')}
                </A>
              </div>
              <p class="muted evidence-hint">{t('evidence.exportHint')}</p>
            </div>
            <StampCards bundle={evidence().bundle} report={evidence().report} />
            <div class="evidence-grid">
              <RequestPieces bundle={evidence().bundle} report={evidence().report} />
              <EvidencePanel id="device" title={t('evidence.sections.device')} checks={checksIn(evidence().report, 'device')} />
              <EvidencePanel id="grant" title={t('evidence.sections.grant')} checks={checksIn(evidence().report, 'grant')} />
              <For each={STAMP_SECTIONS}>
                {(section) => <EvidencePanel id={section} title={t(`evidence.sections.${section}`)} checks={checksIn(evidence().report, section)} />}
              </For>
              <EvidencePanel id="organisation" title={t('evidence.sections.organisation')} checks={checksIn(evidence().report, 'organisation')} />
            </div>
          </>
        )}
      </Show>
    </section>
  );
}
