import { Match, Show, Switch, createEffect, createMemo, createResource, createSignal, onCleanup } from 'solid-js';
import { factRowId, isRequestDocumentType, sha256, subjectOf, toHex, type AttachmentMeta, type UseRequest } from '@seal/shared';
import { openPdfPages, type PdfPages } from '../../documents/pdfPages';
import { pageCountMismatch, type DocumentCheck, type DocumentCheckState } from '../../requests/documentCheck';
import { useI18n } from '../../i18n/I18nProvider';
import { createFacts } from '../../sync/createFacts';
import { useSync } from '../../sync/SyncProvider';

/** What the preview found: the checked bytes, or why there are none to show. */
type Opened =
  | { readonly state: 'verified'; readonly bytes: Uint8Array; readonly meta: AttachmentMeta }
  | { readonly state: 'mismatch' | 'ambiguous' | 'not_yet' };

/**
 * The document a request carries, as its approvers see it before deciding: its bytes (held here,
 * or fetched from the server), hashed HERE and shown only when they are the file whose SHA-256
 * the request names (the hash the approver signs). A PDF is drawn by PDF.js (loaded on demand),
 * an image shown as it is.
 */
export function DocumentPreview(props: { request: UseRequest; /** The reader filed the request (the words speak to the requester, not an approver). */ own?: boolean; onCheck?: (check: DocumentCheck) => void }) {
  const { t } = useI18n();
  const sync = useSync();
  const attachments = createFacts('attachment', () => subjectOf('request', props.request.id));
  // The attachment that names the request's document (another one names other bytes: not this).
  const attached = createMemo(() => attachments().find((a) => a.sha256 === props.request.document.sha256 && isRequestDocumentType(a.mime)));
  const [attempt, setAttempt] = createSignal(0);
  const [opened] = createResource(
    () => {
      const meta = attached();
      const store = sync.store();
      return meta === undefined || store === undefined ? undefined : { meta, store, expected: props.request.document.sha256, attempt: attempt() };
    },
    async ({ meta, store, expected }): Promise<Opened> => {
      const bytes = await store.attachments.open(meta.sha256, factRowId('attachment', meta.id)).catch(() => undefined);
      if (bytes === undefined) return { state: 'not_yet' };
      // Checked here, against the request the approver signs: not against the attachment's own word.
      if (toHex(await sha256(bytes)) !== expected) return { state: 'mismatch' };
      // The fingerprint's bytes, but a PDF a viewer and the stamping code could read differently:
      // not drawn (what PDF.js shows is not what would be stamped), and not approvable.
      if (meta.mime === 'application/pdf' && (await import('../../documents/pdfStructure')).isAmbiguousPdf(bytes)) return { state: 'ambiguous' };
      return { state: 'verified', bytes, meta };
    },
  );
  const [pages, setPages] = createSignal<number>();
  const state = (): DocumentCheckState => (attached() === undefined ? 'none' : opened.loading ? 'loading' : opened()?.state ?? 'loading');
  const check = (): DocumentCheck => { const n = pages(); return n === undefined ? { state: state() } : { state: state(), pages: n }; };
  createEffect(() => props.onCheck?.(check()));
  const pagesWrong = () => (state() === 'verified' ? pageCountMismatch(props.request.document.pages, check()) : undefined);

  return (
    <section class="panel document-preview" aria-labelledby="preview-title" data-testid="document-preview">
      <h2 id="preview-title">{t('requests.preview.title')}</h2>
      <Switch>
        <Match when={attached() === undefined}>
          <p class="muted">{t('requests.preview.none')}</p>
        </Match>
        <Match when={opened.loading}>
          <p class="muted" role="status">
            <span class="spinner" aria-hidden="true" /> {t('requests.preview.loading')}
          </p>
        </Match>
        <Match when={opened()?.state === 'not_yet'}>
          <p class="note note-warn">{t('requests.preview.notYet')}</p>
          <button type="button" class="button button-secondary" onClick={() => setAttempt((n) => n + 1)}>
            {t('requests.preview.retry')}
          </button>
        </Match>
        <Match when={opened()?.state === 'mismatch'}>
          <p class="alert alert-error" role="alert" data-testid="document-mismatch">
            <span aria-hidden="true">⚠ </span>
            {t('requests.preview.mismatch')}
          </p>
        </Match>
        <Match when={opened()?.state === 'ambiguous'}>
          <p class="alert alert-error" role="alert" data-testid="document-ambiguous">
            <span aria-hidden="true">⚠ </span>
            {t('requests.preview.ambiguous')}
          </p>
        </Match>
        <Match when={opened()?.state === 'verified' ? (opened() as Extract<Opened, { state: 'verified' }>) : undefined}>
          {(ok) => (
            <>
              <p class="alert alert-ok" role="status" data-testid="document-verified">
                <span aria-hidden="true">✓ </span>
                {t(props.own ? 'requests.preview.verifiedOwn' : 'requests.preview.verified')}
              </p>
              <Show when={pagesWrong()}>
                {(wrong) => (
                  <p class="note note-warn" role="status" data-testid="document-pages-mismatch">
                    {t('requests.preview.pagesMismatch', { stated: String(wrong().stated), actual: String(wrong().actual) })}
                  </p>
                )}
              </Show>
              <Show when={ok().meta.mime === 'application/pdf'} fallback={<ImageView bytes={ok().bytes} mime={ok().meta.mime} name={ok().meta.name ?? props.request.document.title} />}>
                <PdfView bytes={ok().bytes} onPages={setPages} />
              </Show>
            </>
          )}
        </Match>
      </Switch>
    </section>
  );
}

function ImageView(props: { bytes: Uint8Array; mime: string; name: string }) {
  const { t } = useI18n();
  const url = createMemo(() => URL.createObjectURL(new Blob([props.bytes as Uint8Array<ArrayBuffer>], { type: props.mime })));
  createEffect(() => {
    const current = url();
    onCleanup(() => URL.revokeObjectURL(current));
  });
  return <img class="document-image" src={url()} alt={t('requests.preview.imageAlt', { name: props.name })} data-testid="document-image" />;
}

function PdfView(props: { bytes: Uint8Array; onPages: (count: number) => void }) {
  const { t } = useI18n();
  const [opened] = createResource(() => props.bytes, (bytes) => openPdfPages(bytes));
  const pages = (): PdfPages | undefined => (opened.state === 'ready' ? opened() : undefined);
  createEffect(() => { const doc = pages(); if (doc !== undefined) props.onPages(doc.count); });
  const [page, setPage] = createSignal(0);
  const [drawn, setDrawn] = createSignal<'drawing' | 'drawn' | 'failed'>('drawing');
  let canvas!: HTMLCanvasElement;
  let generation = 0;
  createEffect(() => {
    const doc = pages();
    if (doc === undefined) return;
    onCleanup(() => void doc.close());
  });
  createEffect(() => {
    const doc = pages();
    const index = page();
    if (doc === undefined) return;
    setDrawn('drawing');
    // Only the latest page's drawing speaks.
    const mine = ++generation;
    const width = Math.max(240, Math.min(canvas.parentElement?.clientWidth ?? 600, 900));
    doc.render(index, canvas, width).then(
      () => { if (mine === generation) setDrawn('drawn'); },
      () => { if (mine === generation) setDrawn('failed'); },
    );
  });
  const count = () => pages()?.count ?? 0;
  return (
    <Show when={opened.state !== 'errored'} fallback={<p class="alert alert-error" role="alert">{t('requests.preview.renderFailed')}</p>}>
      <div class="document-pages" data-testid="document-pages" data-drawn={drawn()} data-page={page()}>
        <canvas ref={canvas} class="page-canvas" aria-label={t('requests.preview.page', { n: String(page() + 1), count: String(count()) })} />
        <Show when={drawn() === 'failed'}>
          <p class="alert alert-error" role="alert">{t('requests.preview.renderFailed')}</p>
        </Show>
        <Show when={count() > 1}>
          <div class="form-actions">
            <button type="button" class="button button-secondary" disabled={page() === 0} onClick={() => setPage((p) => p - 1)}>
              {t('requests.preview.previous')}
            </button>
            <span class="muted">{t('requests.preview.page', { n: String(page() + 1), count: String(count()) })}</span>
            <button type="button" class="button button-secondary" disabled={page() >= count() - 1} onClick={() => setPage((p) => p + 1)}>
              {t('requests.preview.next')}
            </button>
          </div>
        </Show>
      </div>
    </Show>
  );
}
