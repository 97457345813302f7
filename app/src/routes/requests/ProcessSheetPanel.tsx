import { For, Show, createSignal, onCleanup } from 'solid-js';
import { processSheetCode, sealAppearance, sealOrganisationName, toBase64Url, type SessionView as Session } from '@seal/shared';
import { ApiError } from '../../api/ApiError';
import { fetchScans, fileScan, scanImageUrl, type FiledScan } from '../../api/processSheets';
import { holdsRole } from '../../auth/roles';
import { describeError } from '../../i18n/describeError';
import { formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { useDirectory } from '../../org/DirectoryProvider';
import { createLoad, type Load } from '../../primitives/createLoad';
import { createOnlineStatus } from '../../primitives/createOnlineStatus';
import type { RequestEntry } from '../../requests/requestBook';
import { CameraCapture } from './CameraCapture';

/** The refusals a scan may meet, in the browser or from the server, that this panel words itself. */
const SCAN_REFUSALS = ['not_an_image', 'no_code_found', 'scan_too_complex', 'scan_busy', 'not_a_sheet_code', 'code_mismatch', 'wrong_request', 'unknown_request', 'out_of_scope', 'forbidden'] as const;
type ScanRefusal = (typeof SCAN_REFUSALS)[number];
const isScanRefusal = (code: string): code is ScanRefusal => (SCAN_REFUSALS as readonly string[]).includes(code);

type Progress = { readonly step: 'idle' } | { readonly step: 'reading' | 'uploading' | 'printing' } | { readonly step: 'filed' } | { readonly step: 'refused'; readonly code: string; readonly text: string };

/**
 * The paper side of an approved request: print its process sheet (用印流程单, with the request's
 * code as a QR), and file the stamped sheet back — photographed with the camera or uploaded — once
 * its QR is read here and again by the server. Filing needs a connection (the server reads the
 * image before it files it); the filed scans are listed with who filed them and when.
 */
export function ProcessSheetPanel(props: { entry: RequestEntry; session: Session }) {
  // Paper only: a PDF stamped with an electronic seal carries its own code.
  const approved = () => ['approved', 'in_use', 'completed'].includes(props.entry.view?.status ?? '') && props.entry.seal?.form !== 'electronic';
  return (
    <Show when={approved()}>
      <SheetPanel entry={props.entry} session={props.session} />
    </Show>
  );
}

function SheetPanel(props: { entry: RequestEntry; session: Session }) {
  const { t, locale } = useI18n();
  const directory = useDirectory();
  const online = createOnlineStatus();
  const [progress, setProgress] = createSignal<Progress>({ step: 'idle' });
  const [camera, setCamera] = createSignal(false);
  const [pdfUrl, setPdfUrl] = createSignal<string>();
  const requestId = () => props.entry.request.id;
  const scans = createLoad(() => fetchScans(requestId()));
  const mayFile = () => (['staff', 'custodian', 'admin'] as const).some((role) => holdsRole(props.session, role));
  const busy = () => ['reading', 'uploading', 'printing'].includes(progress().step);
  onCleanup(() => { const url = pdfUrl(); if (url) URL.revokeObjectURL(url); });

  const refuse = (code: string, detail: string) => setProgress({ step: 'refused', code, text: isScanRefusal(code) ? t(`sheets.refusal.${code}`) : describeError(t, new ApiError({ status: 0, code, message: detail, cause: undefined })) });

  const print = async () => {
    setProgress({ step: 'printing' });
    try {
      const { processSheetPdf } = await import('../../requests/processSheetPdf');
      const e = props.entry;
      const unitName = directory.unitName(e.request.unitId);
      const bytes = await processSheetPdf({
        requestId: e.request.id, title: e.request.document.title, sealName: e.seal?.name ?? e.request.sealId, unitName,
        requester: directory.userName(e.request.requesterId), uses: e.request.usesRequested,
        approvals: e.decisions.map((d) => `${directory.userName(d.approverId)} ${t(`requests.verdict_${d.payload.verdict}`)} ${formatDateTime(d.at, locale())}`),
        printedAt: formatDateTime(Date.now(), locale()),
        ...(e.seal === undefined ? {} : { seal: sealAppearance(e.seal, sealOrganisationName(e.seal, unitName)) }),
      });
      const old = pdfUrl();
      if (old) URL.revokeObjectURL(old);
      const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/pdf' }));
      setPdfUrl(url);
      const link = document.createElement('a');
      link.href = url;
      link.download = `process-sheet-${e.request.id}.pdf`;
      link.click();
      setProgress({ step: 'idle' });
    } catch (err) {
      setProgress({ step: 'refused', code: 'print_failed', text: describeError(t, err) });
    }
  };

  const file = async (source: Blob | HTMLCanvasElement, name: string) => {
    setCamera(false);
    setProgress({ step: 'reading' });
    // The QR reader (jsQR) loads with the first scan, not with the request page.
    const { readScan } = await import('../../requests/readScan');
    const read = await readScan(source);
    if (!read.ok) return refuse(read.refusal, read.detail);
    setProgress({ step: 'uploading' });
    try {
      await fileScan({ code: read.code, requestId: requestId(), mime: 'image/png', data: toBase64Url(read.png), name: name.slice(0, 200) || 'scan.png' });
      setProgress({ step: 'filed' });
      await scans.reload();
    } catch (err) {
      if (err instanceof ApiError) refuse(err.code, err.message);
      else refuse('unknown', String(err));
    }
  };

  const onFile = (input: HTMLInputElement) => {
    const chosen = input.files?.[0];
    input.value = '';
    if (chosen) void file(chosen, chosen.name);
  };

  return (
    <section class="panel process-sheet" aria-labelledby="sheet-title" data-testid="process-sheet-panel">
      <h2 id="sheet-title">{t('sheets.title')}</h2>
      <Show when={mayFile()}>
        <p class="muted">{t('sheets.lead', { code: processSheetCode(requestId()) })}</p>
        <div class="button-row">
          <button type="button" class="button button-primary" data-testid="print-sheet" disabled={busy()} onClick={() => void print()}>
            {t('sheets.print')}
          </button>
          <Show when={pdfUrl()}>
            {(url) => <a class="button button-secondary" href={url()} target="_blank" rel="noopener">{t('sheets.openPdf')}</a>}
          </Show>
        </div>
        <Show when={online()} fallback={<p class="note note-warn" data-testid="sheet-offline">{t('sheets.needsConnection')}</p>}>
          <div class="sheet-file">
            <input id="sheet-upload" class="visually-hidden" type="file" accept="image/*" disabled={busy()} onChange={(ev) => onFile(ev.currentTarget)} />
            <label class="button button-secondary" for="sheet-upload">{t('sheets.upload')}</label>
            <button type="button" class="button button-secondary" data-testid="sheet-camera" disabled={busy()} aria-expanded={camera()} onClick={() => setCamera(!camera())}>
              {t('sheets.camera')}
            </button>
          </div>
          <Show when={camera()}>
            <CameraCapture onCapture={(canvas) => void file(canvas, 'camera.png')} onCancel={() => setCamera(false)} />
          </Show>
        </Show>
      </Show>
      <div role="status" aria-live="polite" data-testid="sheet-progress" data-step={progress().step}>
        <Show when={busy()}>
          <p class="progress-line">{t(`sheets.step_${progress().step as 'reading' | 'uploading' | 'printing'}`)}</p>
        </Show>
        <Show when={progress().step === 'filed'}>
          <p class="note note-quiet">{t('sheets.filed')}</p>
        </Show>
      </div>
      <Show when={progress().step === 'refused' ? (progress() as { code: string; text: string }) : undefined}>
        {(refused) => <p class="note note-warn" role="alert" data-testid="sheet-refusal" data-code={refused().code}>{refused().text}</p>}
      </Show>
      <FiledScans scans={scans} />
    </section>
  );
}

/** The scans filed to the request: thumbnail (a link to the whole image), who filed it and when. */
function FiledScans(props: { scans: Load<FiledScan[]> }) {
  const { t, locale } = useI18n();
  return (
    <>
      <h3 class="steps-label">{t('sheets.filedTitle')}</h3>
      <Show when={props.scans.error() === undefined} fallback={<p class="muted">{describeError(t, props.scans.error())}</p>}>
        <Show when={(props.scans.data() ?? []).length > 0} fallback={<p class="muted">{t('sheets.none')}</p>}>
          <ul class="scan-list" data-testid="filed-scans">
            <For each={props.scans.data()}>
              {(scan) => (
                <li data-testid="filed-scan" data-scan-id={scan.id}>
                  <a href={scanImageUrl(scan.id)} target="_blank" rel="noopener">
                    <img src={scanImageUrl(scan.id)} alt={t('sheets.thumbAlt', { title: scan.title })} width="96" loading="lazy" />
                  </a>
                  <span>{t('sheets.filedBy', { name: scan.filedByName, date: formatDateTime(scan.filedAt, locale()) })}</span>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </Show>
    </>
  );
}
