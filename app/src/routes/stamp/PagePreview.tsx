import type { ImpressionPlacement, SealLook } from '@seal/shared';
import { Show, createEffect, createSignal, on, onCleanup } from 'solid-js';
import { SealImage } from '../../components/SealImage';
import type { PdfPages } from '../../documents/pdfPages';
import { clampToPage, previewToMm, qrBlockMm } from '../../documents/sealPlacement';
import { useI18n } from '../../i18n/I18nProvider';

/**
 * One page of the document, drawn by PDF.js, with the seal on it where it will be stamped: drag
 * it (mouse, finger or pen), tap the page to put it there, or move it with the arrow keys. With
 * the seam seal on, the page shows its slice at its right edge. Where the verification QR and code
 * will be printed (bottom left) is outlined: the seal is kept clear of it.
 */
export function PagePreview(props: {
  pages: PdfPages;
  page: number;
  placement: ImpressionPlacement;
  sealMm: number;
  /** The seam seal's centre line (mm from the top), when it is on. */
  seamY: number | undefined;
  seal: SealLook;
  unitName: string;
  onPlace: (at: { x: number; y: number }) => void;
}) {
  const { t } = useI18n();
  let frame!: HTMLDivElement;
  let canvas!: HTMLCanvasElement;
  const [rendering, setRendering] = createSignal(true);
  const [failed, setFailed] = createSignal(false);
  let generation = 0;
  const size = () => props.pages.sizes[props.page]!;
  const pct = (mm: number, of: number): string => `${(mm / of) * 100}%`;

  createEffect(
    on(
      () => props.page,
      (index) => {
        setRendering(true);
        setFailed(false);
        // The whole page in view: as wide as the column, no taller than the window.
        const page = props.pages.sizes[index]!;
        const fitHeight = ((window.innerHeight - 24) * page.width) / page.height;
        const width = Math.max(240, Math.min(frame.parentElement?.clientWidth ?? 600, fitHeight, 1000));
        // Only the latest page's drawing speaks: one stopped by a page turn is not a failure.
        const mine = ++generation;
        props.pages.render(index, canvas, width).then(
          () => { if (mine === generation) setRendering(false); },
          () => { if (mine === generation) { setRendering(false); setFailed(true); } },
        );
      },
    ),
  );

  /** Moves the seal's centre to where the pointer is. */
  const placeAt = (event: PointerEvent) => {
    const rect = frame.getBoundingClientRect();
    const at = previewToMm({ x: event.clientX - rect.left, y: event.clientY - rect.top }, rect.width, size());
    props.onPlace(clampToPage(at, size(), props.sealMm));
  };
  const [dragging, setDragging] = createSignal(false);
  const onPointerDown = (event: PointerEvent) => {
    if (event.button !== 0) return;
    event.preventDefault();
    frame.setPointerCapture(event.pointerId);
    setDragging(true);
    placeAt(event);
  };
  const onPointerMove = (event: PointerEvent) => {
    if (dragging()) placeAt(event);
  };
  const stop = () => setDragging(false);
  onCleanup(stop);

  const onKeyDown = (event: KeyboardEvent) => {
    const step = event.shiftKey ? 10 : 1;
    const moves: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    const move = moves[event.key];
    if (move === undefined) return;
    event.preventDefault();
    props.onPlace(clampToPage({ x: props.placement.x + move[0], y: props.placement.y + move[1] }, size(), props.sealMm));
  };

  const onThisPage = () => props.placement.page === props.page;

  return (
    <div
      ref={frame}
      class="page-preview"
      classList={{ 'is-dragging': dragging() }}
      data-testid="page-preview"
      data-page={props.page}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={stop}
      onPointerCancel={stop}
    >
      <canvas ref={canvas} class="page-canvas" aria-label={t('stampPdf.pageAlt', { n: String(props.page + 1), count: String(props.pages.count) })} />
      <Show when={rendering()}>
        <p class="page-rendering" role="status">
          <span class="spinner" aria-hidden="true" /> {t('stampPdf.rendering')}
        </p>
      </Show>
      <Show when={failed()}>
        <p class="alert alert-error page-rendering" role="alert">{t('stampPdf.renderFailed')}</p>
      </Show>
      <Show when={onThisPage()}>
        <div
          class="placed-seal"
          data-testid="placed-seal"
          tabindex="0"
          role="slider"
          aria-label={t('stampPdf.sealHandle')}
          aria-valuetext={t('stampPdf.position', { x: String(props.placement.x), y: String(props.placement.y) })}
          style={{
            left: pct(props.placement.x - props.sealMm / 2, size().width),
            top: pct(props.placement.y - props.sealMm / 2, size().height),
            width: pct(props.sealMm, size().width),
          }}
          onKeyDown={onKeyDown}
        >
          <SealImage seal={props.seal} unitName={props.unitName} size="100%" />
        </div>
      </Show>
      <Show when={onThisPage() || props.seamY !== undefined}>
        <QrBlockHint size={size()} />
      </Show>
      <Show when={props.seamY}>{(y) => <SeamSliceHint pages={props.pages} page={props.page} y={y()} sealMm={props.sealMm} seal={props.seal} unitName={props.unitName} />}</Show>
    </div>
  );
}

/** The seam seal's slice this page gets: slice i of the seal (from its left) at page i's right edge. */
function SeamSliceHint(props: { pages: PdfPages; page: number; y: number; sealMm: number; seal: SealLook; unitName: string }) {
  const size = () => props.pages.sizes[props.page]!;
  const pct = (mm: number, of: number): string => `${(mm / of) * 100}%`;
  return (
    <div class="seam-slice" data-testid="seam-slice" style={{ width: pct(props.sealMm / props.pages.count, size().width), top: pct(props.y - props.sealMm / 2, size().height) }}>
      <div style={{ width: `${props.pages.count * 100}%`, 'margin-left': `${-props.page * 100}%` }}>
        <SealImage seal={props.seal} unitName={props.unitName} size="100%" />
      </div>
    </div>
  );
}

/** The corner the impression prints its verification QR and code in, outlined (`qrBlockMm`, the layout's own rule). */
function QrBlockHint(props: { size: { width: number; height: number; rotation: number } }) {
  const { t } = useI18n();
  const box = () => qrBlockMm(props.size);
  const pct = (mm: number, of: number): string => `${(mm / of) * 100}%`;
  return (
    <div
      class="qr-block-hint"
      data-testid="qr-block-hint"
      style={{ left: pct(box().left, props.size.width), top: pct(box().top, props.size.height), width: pct(box().right - box().left, props.size.width), height: pct(box().bottom - box().top, props.size.height) }}
    >
      <span>{t('stampPdf.qrHint')}</span>
    </div>
  );
}
