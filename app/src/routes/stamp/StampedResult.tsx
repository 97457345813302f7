import { onCleanup } from 'solid-js';
import type { StampedDocument } from '../../documents/electronicStamping';
import { useI18n } from '../../i18n/I18nProvider';

/** The stamped PDF to download, and the code anyone can check it by. */
export function StampedResult(props: { stamped: StampedDocument; sourceName: string }) {
  const { t } = useI18n();
  // eslint-disable-next-line solid/reactivity -- one result per mount: a new stamp mounts a new result
  const url = URL.createObjectURL(new Blob([props.stamped.pdf.slice()], { type: 'application/pdf' }));
  onCleanup(() => URL.revokeObjectURL(url));
  const fileName = (): string => `${props.sourceName.replace(/\.pdf$/i, '')}-stamped.pdf`;
  return (
    <div class="stamped-result" data-testid="stamped-result">
      <p class="alert alert-ok" role="status">{t('stampPdf.done')}</p>
      <dl class="stamp-facts">
        <dt>{t('stampPdf.code')}</dt>
        <dd data-testid="verification-code" class="verification-code">{props.stamped.code}</dd>
      </dl>
      <p class="muted">{t('stampPdf.codeHelp')}</p>
      <div class="button-row">
        <a class="button button-primary" href={url} download={fileName()} data-testid="download-stamped">
          {t('stampPdf.download')}
        </a>
      </div>
    </div>
  );
}
