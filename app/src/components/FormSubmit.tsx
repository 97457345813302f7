import { ErrorAlert } from './ErrorAlert';

/** The end of a form: the submit's failure (if any), then the submit button in the actions row. */
export function FormSubmit(props: { label: string; disabled: boolean; error?: unknown }) {
  return (
    <>
      <ErrorAlert error={props.error} />
      <div class="form-actions">
        <button type="submit" class="button button-primary" disabled={props.disabled}>
          {props.label}
        </button>
      </div>
    </>
  );
}
