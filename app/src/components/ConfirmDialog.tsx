import { Show, createEffect, type JSX } from 'solid-js';
import { useI18n } from '../i18n/I18nProvider';
import { ErrorAlert } from './ErrorAlert';

/**
 * A modal question before something that cannot be undone (native `<dialog>`: focus is trapped
 * and Escape cancels). It stays open on failure and shows why, so the refusal is read in context.
 */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  confirmLabel: string;
  pending: boolean;
  error: unknown;
  onConfirm: () => void;
  onCancel: () => void;
  children: JSX.Element;
}) {
  const { t } = useI18n();
  let dialog: HTMLDialogElement | undefined;
  createEffect(() => {
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  });
  return (
    <dialog
      ref={dialog}
      class="dialog"
      aria-labelledby="confirm-title"
      onCancel={(event) => {
        event.preventDefault();
        if (!props.pending) props.onCancel();
      }}
    >
      <h2 id="confirm-title">{props.title}</h2>
      <div class="dialog-body">{props.children}</div>
      <Show when={props.error !== undefined}>
        <ErrorAlert error={props.error} />
      </Show>
      <div class="dialog-actions">
        <button type="button" class="button button-secondary" onClick={() => props.onCancel()} disabled={props.pending}>
          {props.error === undefined ? t('common.cancel') : t('common.close')}
        </button>
        <Show when={props.error === undefined}>
          <button type="button" class="button button-danger" onClick={() => props.onConfirm()} disabled={props.pending}>
            {props.confirmLabel}
          </button>
        </Show>
      </div>
    </dialog>
  );
}
