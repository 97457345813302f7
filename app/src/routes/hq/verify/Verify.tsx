import { For, Show, createResource, createSignal } from 'solid-js';
import { jwkThumbprint } from '@seal/shared';
import { RequireSession } from '../../../components/RequireSession';
import { EVIDENCE_SECTIONS, checksIn, stampsOf } from '../../../hq/evidence/evidenceView';
import { verifyBundleFile, type FileVerification } from '../../../hq/evidence/verifyFile';
import { colon } from '../../../i18n/format';
import { useI18n } from '../../../i18n/I18nProvider';
import { useDirectory } from '../../../org/DirectoryProvider';
import { CheckList, EvidencePanel, ReportSummary } from '../evidence/EvidenceChecks';
import { StampCards } from '../evidence/EvidencePieces';
import '../evidence/evidence.css';

/**
 * `/hq/verify`: an evidence bundle checked in this browser, offline, with the same `verifyBundle`
 * the server and the CLI run, against the organisation key this device holds (with the roster,
 * kept for offline use) — never the key the file names.
 */
export function Verify() {
  return <RequireSession>{() => <VerifyScreen />}</RequireSession>;
}

function VerifyScreen() {
  const { t, locale } = useI18n();
  const directory = useDirectory();
  const orgKey = () => directory.directory()?.orgPublicJwk;
  const [thumbprint] = createResource(orgKey, (key) => jwkThumbprint(key));
  const [result, setResult] = createSignal<FileVerification>();
  const [busy, setBusy] = createSignal(false);
  const [dragging, setDragging] = createSignal(false);

  const check = async (file: File | undefined) => {
    const key = orgKey();
    if (file === undefined || key === undefined) return;
    setBusy(true);
    setResult(undefined);
    try {
      setResult(await verifyBundleFile(file, key));
    } finally {
      setBusy(false);
    }
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    void check(event.dataTransfer?.files[0]);
  };

  return (
    <section class="screen evidence verify" aria-labelledby="verify-title">
      <header class="screen-header">
        <h1 id="verify-title">{t('evidence.verify.title')}</h1>
        <p class="lead">{t('evidence.verify.lead')}</p>
      </header>
      <Show when={orgKey()} fallback={<p class="alert alert-error" role="alert" data-testid="no-org-key">{t('evidence.verify.noOrgKey')}</p>}>
        <div
          class="panel verify-drop"
          classList={{ 'is-dragging': dragging() }}
          data-testid="verify-drop"
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <label class="button button-primary">
            {t('evidence.verify.pick')}
            <input id="verify-file" type="file" accept=".json,application/json" class="visually-hidden" onChange={(e) => void check(e.currentTarget.files?.[0])} />
          </label>
          <span class="muted">{t('evidence.verify.drop')}</span>
          <p class="muted verify-key">
            {t('evidence.verify.orgKey')}{colon(locale())}<code data-testid="org-key-thumbprint">{thumbprint() ?? '…'}</code>
          </p>
        </div>
      </Show>
      <Show when={busy()}>
        <p class="loading">{t('evidence.verify.verifying')}</p>
      </Show>
      <Show when={result()}>{(r) => <VerifyResult result={r()} />}</Show>
    </section>
  );
}

function VerifyResult(props: { result: FileVerification }) {
  const { t } = useI18n();
  const report = () => props.result.report;
  const count = () => String(report().checks.length);
  const failed = () => String(report().checks.filter((c) => !c.ok).length);
  return (
    <div data-testid="verify-result" data-valid={String(report().valid)}>
      <div class="panel evidence-head">
        <p class="muted">{t('evidence.verify.fileName', { name: props.result.fileName })}</p>
        <ReportSummary report={report()} valid={t('evidence.verify.valid', { count: count() })} invalid={t('evidence.verify.invalid', { count: count(), failed: failed() })} />
      </div>
      <Show when={props.result.bundle} fallback={<section class="panel"><CheckList checks={report().checks} /></section>}>
        {(bundle) => (
          <>
            <Show when={stampsOf(bundle()).length > 0}>
              <StampCards bundle={bundle()} report={report()} />
            </Show>
            <div class="evidence-grid">
              <For each={EVIDENCE_SECTIONS}>
                {(section) => <EvidencePanel id={section} title={t(`evidence.sections.${section}`)} checks={checksIn(report(), section)} />}
              </For>
            </div>
          </>
        )}
      </Show>
    </div>
  );
}
