import type { ImpressionPlacement } from '@seal/shared';
import type { PdfPages } from '../../documents/pdfPages';
import { clampToPage } from '../../documents/sealPlacement';
import { useI18n } from '../../i18n/I18nProvider';

/**
 * The seal's place in numbers: the page shown (and stamped), the centre in mm from the page's top
 * left, and the seam seal across every page's right edge.
 */
export function PlacementFields(props: {
  pages: PdfPages;
  page: number;
  placement: ImpressionPlacement;
  sealMm: number;
  seam: boolean;
  onPage: (page: number) => void;
  onPlace: (placement: ImpressionPlacement) => void;
  onSeam: (on: boolean) => void;
}) {
  const { t } = useI18n();
  const last = () => props.pages.count - 1;
  const show = (page: number) => props.onPage(Math.max(0, Math.min(last(), page)));
  const move = (change: Partial<ImpressionPlacement>) => {
    const next = { ...props.placement, ...change };
    const page = Math.max(0, Math.min(last(), Math.round(next.page)));
    props.onPlace({ page, ...clampToPage({ x: next.x, y: next.y }, props.pages.sizes[page]!, props.sealMm) });
  };
  const number = (value: string): number | undefined => {
    const n = Number.parseFloat(value);
    return Number.isFinite(n) ? n : undefined;
  };
  return (
    <div class="placement-fields">
      <div class="page-nav" role="group" aria-label={t('stampPdf.pages')}>
        <button type="button" class="button button-secondary" disabled={props.page === 0} onClick={() => show(props.page - 1)}>
          {t('stampPdf.previousPage')}
        </button>
        <span data-testid="page-shown">{t('stampPdf.pageOf', { n: String(props.page + 1), count: String(props.pages.count) })}</span>
        <button type="button" class="button button-secondary" disabled={props.page === last()} onClick={() => show(props.page + 1)}>
          {t('stampPdf.nextPage')}
        </button>
      </div>
      <fieldset class="placement-numbers">
        <legend>{t('stampPdf.placeTitle')}</legend>
        <label>
          {t('stampPdf.sealPage')}
          <input type="number" inputmode="numeric" min="1" max={props.pages.count} value={props.placement.page + 1} data-testid="seal-page" onChange={(e) => { const n = number(e.currentTarget.value); if (n !== undefined) move({ page: n - 1 }); }} />
        </label>
        <label>
          {t('stampPdf.sealX')}
          <input type="number" inputmode="decimal" step="0.1" value={props.placement.x} data-testid="seal-x" onChange={(e) => { const n = number(e.currentTarget.value); if (n !== undefined) move({ x: n }); }} />
        </label>
        <label>
          {t('stampPdf.sealY')}
          <input type="number" inputmode="decimal" step="0.1" value={props.placement.y} data-testid="seal-y" onChange={(e) => { const n = number(e.currentTarget.value); if (n !== undefined) move({ y: n }); }} />
        </label>
      </fieldset>
      <label class="seam-toggle">
        <input type="checkbox" checked={props.seam} disabled={props.pages.count < 2} data-testid="seam-toggle" onChange={(e) => props.onSeam(e.currentTarget.checked)} />
        {t('stampPdf.seam')}
      </label>
      <p class="muted">{props.pages.count < 2 ? t('stampPdf.seamOnePage') : t('stampPdf.seamHelp', { count: String(props.pages.count) })}</p>
    </div>
  );
}
