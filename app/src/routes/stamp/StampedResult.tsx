import { formatVerificationCode } from '@seal/shared';
import { Match, Switch, onCleanup } from 'solid-js';
import { countersignRefusalText } from '../../documents/countersignRefusal';
import { createCountersignState } from '../../documents/countersignState';
import type { StampedDocument } from '../../documents/electronicStamping';
import { formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';

const pdfUrl = (bytes: Uint8Array): string => URL.createObjectURL(new Blob([bytes.slice()], { type: 'application/pdf' }));

/**
 * The stamped PDF to download, the code anyone can check it by, and where the organisation's
 * countersignature stands: queued on this tablet until it is online, then the countersigned PDF.
 */
export function StampedResult(props: { stamped: StampedDocument; sourceName: string }) {
  const { t, locale } = useI18n();
  // eslint-disable-next-line solid/reactivity -- one result per mount: a new stamp mounts a new result
  const url = pdfUrl(props.stamped.pdf);
  // eslint-disable-next-line solid/reactivity -- one result per mount
  const countersign = createCountersignState(props.stamped.impressionId);
  const urls: string[] = [url];
  onCleanup(() => urls.forEach((u) => URL.revokeObjectURL(u)));
  const baseName = (): string => props.sourceName.replace(/\.pdf$/i, '');
  const countersignedUrl = (pdf: Uint8Array): string => {
    const made = pdfUrl(pdf);
    urls.push(made);
    return made;
  };
  return (
    <div class="stamped-result" data-testid="stamped-result">
      <p class="alert alert-ok" role="status">{t('stampPdf.done')}</p>
      <dl class="stamp-facts">
        <dt>{t('stampPdf.code')}</dt>
        <dd data-testid="verification-code" class="verification-code">{formatVerificationCode(props.stamped.code)}</dd>
      </dl>
      <p class="muted">{t('stampPdf.codeHelp')}</p>
      <div class="button-row">
        <a class="button button-secondary" href={url} download={`${baseName()}-stamped.pdf`} data-testid="download-stamped">
          {t('stampPdf.download')}
        </a>
      </div>
      <Switch>
        <Match when={(() => { const c = countersign(); return c.state === 'countersigned' ? c : undefined; })()}>
          {(c) => (
            <div data-testid="countersigned" role="status">
              <p class="alert alert-ok">{t('stampPdf.countersigned', { at: formatDateTime(Date.parse(c().at), locale()) })}</p>
              <div class="button-row">
                <a class="button button-primary" href={countersignedUrl(c().pdf)} download={`${baseName()}-stamped-countersigned.pdf`} data-testid="download-countersigned">
                  {t('stampPdf.downloadCountersigned')}
                </a>
              </div>
            </div>
          )}
        </Match>
        <Match when={(() => { const c = countersign(); return c.state === 'refused' ? c : undefined; })()}>
          {(c) => <p class="alert alert-error" role="alert" data-testid="countersign-refused" data-code={c().code}>{t('stampPdf.countersignRefused', { detail: countersignRefusalText(t, c().code, c().message) })}</p>}
        </Match>
        <Match when={countersign().state === 'waiting'}>
          <p class="muted" data-testid="countersign-waiting" role="status">{t('stampPdf.countersignWaiting')}</p>
        </Match>
      </Switch>
    </div>
  );
}
