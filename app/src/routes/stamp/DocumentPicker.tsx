import { createSignal } from 'solid-js';
import { useI18n } from '../../i18n/I18nProvider';

/** Choosing the document to stamp: a file button, or a PDF dropped on the box. */
export function DocumentPicker(props: { disabled: boolean; onFile: (file: File) => void }) {
  const { t } = useI18n();
  const [dragging, setDragging] = createSignal(false);
  return (
    <div
      class="document-drop"
      classList={{ 'is-dragging': dragging() }}
      data-testid="document-drop"
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        const file = e.dataTransfer?.files[0];
        if (file !== undefined && !props.disabled) props.onFile(file);
      }}
    >
      <label class="button button-primary" classList={{ 'is-disabled': props.disabled }}>
        {t('stampPdf.choose')}
        <input
          type="file"
          accept="application/pdf,.pdf"
          class="visually-hidden"
          data-testid="document-file"
          disabled={props.disabled}
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            e.currentTarget.value = '';
            if (file !== undefined) props.onFile(file);
          }}
        />
      </label>
      <span class="muted">{t('stampPdf.drop')}</span>
    </div>
  );
}
