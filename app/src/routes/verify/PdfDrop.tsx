import { createSignal } from 'solid-js';
import { usePublicVerifyText } from '../../i18n/publicVerifyText';

/** Choose or drop a PDF: it is hashed and checked in this browser, never uploaded. */
export function PdfDrop(props: { onFile: (file: File) => void }) {
  const { t } = usePublicVerifyText();
  const [dragging, setDragging] = createSignal(false);
  const take = (file: File | undefined) => {
    if (file !== undefined) props.onFile(file);
  };
  return (
    <section
      class="panel verify-way verify-drop"
      classList={{ 'is-dragging': dragging() }}
      aria-labelledby="verify-pdf-title"
      data-testid="pdf-drop"
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        take(e.dataTransfer?.files[0]);
      }}
    >
      <h2 id="verify-pdf-title">{t('publicVerify.pdfHeading')}</h2>
      <label class="button button-secondary verify-file-button">
        {t('publicVerify.pdfPick')}
        <input type="file" accept="application/pdf,.pdf" class="visually-hidden" data-testid="pdf-file" onChange={(e) => take(e.currentTarget.files?.[0])} />
      </label>
      <p class="muted">{t('publicVerify.pdfDrop')}</p>
    </section>
  );
}
