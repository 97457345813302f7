import { sealAppearance, sealOrganisationName, type ImpressionPlacement, type SealLook } from '@seal/shared';
import { Show, createMemo, createResource, createSignal, onCleanup } from 'solid-js';
import { Progress } from '../../components/Progress';
import { openChosenDocument, stampDocument, type ElectronicGrantView, type StampedDocument, type StampStep } from '../../documents/electronicStamping';
import type { TabletSigner } from '../../documents/impressionSigner';
import type { PdfPages } from '../../documents/pdfPages';
import { sealFontHeld } from '../../documents/sealFont';
import { defaultPlacement, impressionChoice } from '../../documents/sealPlacement';
import { formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { DocumentPicker } from './DocumentPicker';
import { PagePreview } from './PagePreview';
import { PlacementFields } from './PlacementFields';
import { StampedResult } from './StampedResult';

/** A chosen document: its name, bytes and pages (PDF.js). */
interface Chosen {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly pages: PdfPages;
}

/**
 * Stamping a PDF under an electronic grant: choose the approved document (any other is refused
 * at once), place the seal on a page preview, optionally across the page edges, stamp; then the
 * stamped PDF to download and its verification code. Loaded on demand: PDF.js, pdf-lib and the
 * QR encoder stay off the first page.
 */
export default function ElectronicStamp(props: { grant: ElectronicGrantView; seal: SealLook; unitName: string; signer: TabletSigner }) {
  const { t } = useI18n();
  const sealMm = createMemo(() => sealAppearance(props.seal, sealOrganisationName(props.seal, props.unitName)).width);
  const [chosen, setChosen] = createSignal<Chosen>();
  const [refusal, setRefusal] = createSignal<string>();
  const [opening, setOpening] = createSignal(false);
  const [page, setPage] = createSignal(0);
  const [placement, setPlacement] = createSignal<ImpressionPlacement>();
  const [seam, setSeam] = createSignal(false);
  const [step, setStep] = createSignal<StampStep>();
  const [failure, setFailure] = createSignal<string>();
  const [done, setDone] = createSignal<StampedDocument>();
  const [fontHeld] = createResource(() => sealFontHeld().catch(() => false));
  onCleanup(() => void chosen()?.pages.close());

  async function choose(file: File): Promise<void> {
    setRefusal(undefined);
    setFailure(undefined);
    setDone(undefined);
    // Whatever was chosen before goes: the screen shows only the file just chosen.
    await chosen()?.pages.close();
    setChosen(undefined);
    setOpening(true);
    const opened = await openChosenDocument(file, props.grant);
    setOpening(false);
    if (!opened.ok) {
      const { code, message } = opened.error;
      setRefusal(code === 'document_mismatch' ? t('stampPdf.wrongDocument', { name: file.name }) : code === 'unreadable' ? t('stampPdf.unreadable', { detail: message })
        : t(`stampPdf.${code === 'rotated' ? 'rotated' : code === 'pdf_ambiguous' ? 'ambiguous' : 'notPdf'}`));
      return;
    }
    const pages = opened.value.pages;
    // The seal starts on the last page, where documents are signed; the place before the pages.
    const last = pages.count - 1;
    setPlacement(defaultPlacement(last, pages.sizes[last]!, sealMm()));
    setPage(last);
    setChosen({ name: file.name, bytes: opened.value.bytes, pages });
  }

  const choice = createMemo(() => (chosen() === undefined || placement() === undefined ? undefined : impressionChoice(placement()!, seam(), chosen()!.pages.sizes, sealMm())));

  async function stamp(): Promise<void> {
    const c = chosen();
    const ch = choice();
    if (c === undefined || ch === undefined) return;
    setFailure(undefined);
    try {
      const result = await stampDocument({ grant: props.grant, source: c.bytes, pageCount: c.pages.count, seal: props.seal, unitName: props.unitName, ...ch, origin: location.origin }, props.signer, setStep);
      if (result.ok) setDone(result.value);
      else setFailure(result.error.code === 'signing_unavailable' ? t('stampPdf.signingUnavailable') : t('stampPdf.stampFailed', { detail: result.error.message }));
    } catch (error) {
      setFailure(t('stampPdf.stampFailed', { detail: error instanceof Error ? error.message : String(error) }));
    } finally {
      setStep(undefined);
    }
  }

  return (
    <div class="card electronic-stamp" data-testid="electronic-stamp">
      <h2>{t('stampPdf.title')}</h2>
      <p class="muted">{t('stampPdf.intro')}</p>
      <Show when={fontHeld() === false}>
        <p class="alert alert-error" data-testid="seal-font-missing">{t('stampPdf.fontMissing')}</p>
      </Show>
      <CertificateLine signer={props.signer} grant={props.grant} stamped={done()} />
      <Show when={done() === undefined}>
        <DocumentPicker disabled={opening() || step() !== undefined} onFile={(file) => void choose(file)} />
        <ChooseOutcome refusal={refusal()} opening={opening()} />
      </Show>
      <Show when={done() === undefined && chosen()}>
        {(c) => (
          <>
            <p data-testid="document-accepted" class="alert alert-ok">{t('stampPdf.accepted', { name: c().name, pages: String(c().pages.count) })}</p>
            <div class="estamp-work">
              <div class="estamp-controls">
                <PlacementFields
                  pages={c().pages}
                  page={page()}
                  placement={placement()!}
                  sealMm={sealMm()}
                  seam={seam()}
                  onPage={setPage}
                  onPlace={(p) => { setPlacement(p); setPage(p.page); }}
                  onSeam={setSeam}
                />
                <div class="button-row">
                  <button type="button" class="button button-primary" data-testid="stamp-pdf" disabled={step() !== undefined} onClick={() => void stamp()}>
                    {t('stampPdf.stamp')}
                  </button>
                </div>
                <Progress message={step() === undefined ? undefined : t(`stampPdf.step.${step()!}`)} />
                <Show when={failure()}>
                  <p class="alert alert-error" role="alert" data-error-code="stamp_failed">{failure()}</p>
                </Show>
              </div>
              <div class="estamp-page">
                <PagePreview
                  pages={c().pages}
                  page={page()}
                  placement={placement()!}
                  sealMm={sealMm()}
                  seamY={choice()?.seam?.y}
                  seal={props.seal}
                  unitName={props.unitName}
                  onPlace={(at) => setPlacement({ page: page(), ...at })}
                />
              </div>
            </div>
          </>
        )}
      </Show>
      <Show when={done()}>{(d) => <StampedResult stamped={d()} sourceName={chosen()?.name ?? 'document.pdf'} />}</Show>
    </div>
  );
}

/** Why the chosen file was refused, or that it is being opened. */
function ChooseOutcome(props: { refusal: string | undefined; opening: boolean }) {
  const { t } = useI18n();
  return (
    <>
      <Show when={props.refusal}>
        <p class="alert alert-error" role="alert" data-error-code="document_refused" data-testid="document-refused">{props.refusal}</p>
      </Show>
      <Progress message={props.opening ? t('stampPdf.opening') : undefined} />
    </>
  );
}

/** Whether this tablet may sign for the grant: online, the certificate is renewed when less than a day remains; offline, the held one must still be valid. */
function CertificateLine(props: { signer: TabletSigner; grant: ElectronicGrantView; stamped: StampedDocument | undefined }) {
  const { t, locale } = useI18n();
  const [certificate] = createResource(() => ({ grant: props.grant, stamped: props.stamped, signer: props.signer }), ({ grant, signer }) => signer.certificate(grant));
  return (
    <Show when={certificate()}>
      {(c) => {
        const state = c();
        return state.valid
          ? <p class="muted" data-testid="certificate-valid">{t('stampPdf.certificateUntil', { until: formatDateTime(state.notAfter, locale()) })}</p>
          : <p class="alert alert-error" data-testid="no-certificate" data-detail={state.reason}>{t('stampPdf.noCertificate')}</p>;
      }}
    </Show>
  );
}
