import { Show, createEffect, createSignal, type JSX } from 'solid-js';
import { isReason } from '@seal/shared';
import { useI18n } from '../../i18n/I18nProvider';
import { FieldProblem, SealErrorAlert } from './SealErrorAlert';

/**
 * A modal that asks why before a change that goes on record (native `<dialog>`: focus is trapped,
 * Escape cancels). A blank reason is said beside the field; a failure keeps the dialog open with
 * the reason still typed, so nothing is lost.
 */
export function ReasonDialog(props: {
  open: boolean;
  title: string;
  confirmLabel: string;
  /** Red for changes that end a seal's service. */
  danger: boolean;
  pending: boolean;
  error: unknown;
  onConfirm: (reason: string) => void;
  onCancel: () => void;
  children: JSX.Element;
}) {
  const { t } = useI18n();
  const [reason, setReason] = createSignal('');
  const [missing, setMissing] = createSignal(false);
  let dialog: HTMLDialogElement | undefined;
  let field: HTMLTextAreaElement | undefined;
  createEffect(() => {
    if (!dialog) return;
    if (props.open && !dialog.open) {
      setReason('');
      setMissing(false);
      dialog.showModal();
      field?.focus();
    }
    if (!props.open && dialog.open) dialog.close();
  });
  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    if (!isReason(reason())) {
      setMissing(true);
      field?.focus();
      return;
    }
    props.onConfirm(reason().trim());
  };
  return (
    <dialog
      ref={dialog}
      class="dialog reason-dialog"
      aria-labelledby="reason-dialog-title"
      data-testid="reason-dialog"
      onCancel={(event) => {
        event.preventDefault();
        if (!props.pending) props.onCancel();
      }}
    >
      <form onSubmit={submit} novalidate>
        <h2 id="reason-dialog-title">{props.title}</h2>
        <div class="dialog-body">{props.children}</div>
        <div class="field">
          <label class="field-label" for="reason-dialog-reason">
            {t('seals.reasonLabel')}
          </label>
          <textarea
            ref={field}
            id="reason-dialog-reason"
            class="input seal-reason"
            rows="3"
            maxLength={2000}
            value={reason()}
            aria-invalid={missing()}
            aria-describedby={missing() ? 'reason-dialog-hint reason-dialog-problem' : 'reason-dialog-hint'}
            onInput={(e) => {
              setReason(e.currentTarget.value);
              setMissing(false);
            }}
            disabled={props.pending}
          />
          <p class="field-hint" id="reason-dialog-hint">
            {t('seals.moveReasonHint')}
          </p>
          <FieldProblem id="reason-dialog-problem" code={missing() ? 'reason_required' : undefined} text={t('seals.problems.reasonRequired')} />
        </div>
        <Show when={props.error !== undefined}>
          <SealErrorAlert error={props.error} />
        </Show>
        <div class="dialog-actions">
          <button type="button" class="button button-secondary" onClick={() => props.onCancel()} disabled={props.pending}>
            {t('common.cancel')}
          </button>
          <button type="submit" class="button" classList={{ 'button-danger': props.danger, 'button-primary': !props.danger }} disabled={props.pending}>
            {props.confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
