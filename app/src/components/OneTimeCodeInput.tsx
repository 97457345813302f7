import { caretAfterFormatting, formatOneTimeCode } from '../primitives/oneTimeCode';

/**
 * A one-time code field: upper case and grouped in fours as it is typed or pasted, with the caret
 * kept in place; what the server would ignore (spaces, dashes) never gets in the way.
 */
export function OneTimeCodeInput(props: { id: string; value: string; onChange: (formatted: string) => void; disabled?: boolean; describedBy?: string }) {
  const onInput = (event: InputEvent & { currentTarget: HTMLInputElement }): void => {
    const input = event.currentTarget;
    const typed = input.value;
    const formatted = formatOneTimeCode(typed);
    const caret = caretAfterFormatting(typed, input.selectionStart ?? typed.length, formatted);
    input.value = formatted;
    input.setSelectionRange(caret, caret);
    props.onChange(formatted);
  };
  return (
    <input
      id={props.id}
      class="input input-code"
      type="text"
      value={props.value}
      onInput={onInput}
      disabled={props.disabled}
      required
      autocomplete="one-time-code"
      autocapitalize="characters"
      autocorrect="off"
      spellcheck={false}
      inputmode="text"
      maxLength={24}
      placeholder="XXXX-XXXX-XXXX-XXXX-XXXX"
      aria-describedby={props.describedBy}
    />
  );
}
