import { createEffect, For, on, Show, splitProps, type JSX } from 'solid-js';

/** One choice of a `Select`: the value it stands for and the words shown. */
export interface SelectOption {
  readonly value: string;
  readonly label: string;
}

export type SelectProps = Omit<JSX.SelectHTMLAttributes<HTMLSelectElement>, 'value' | 'onChange' | 'class' | 'children'> & {
  readonly id: string;
  readonly value: string;
  readonly options: readonly SelectOption[];
  /** A first, empty choice (value `''`) with these words, e.g. "choose a seal" or "none". */
  readonly placeholder?: string;
  readonly onChange: (value: string) => void;
};

/**
 * A drop-down of `options` showing `value`. The matching option is also marked `selected`: a
 * select's `value` set before its options arrive (the directory or the records load later) does
 * not stick, and the browser would show the first option while `value` says another.
 */
export function Select(props: SelectProps) {
  const [own, rest] = splitProps(props, ['value', 'options', 'placeholder', 'onChange']);
  let select: HTMLSelectElement | undefined;
  // Options that arrive after the value (or are replaced) can leave the placeholder shown: say the value again.
  createEffect(on(() => [own.value, own.options] as const, ([value]) => {
    if (select !== undefined && select.value !== value) select.value = value;
  }));
  return (
    <select {...rest} ref={select} class="input" value={own.value} onChange={(e) => own.onChange(e.currentTarget.value)}>
      <Show when={own.placeholder !== undefined}>
        <option value="">{own.placeholder}</option>
      </Show>
      <For each={own.options}>{(option) => <option value={option.value} selected={option.value === own.value}>{option.label}</option>}</For>
    </select>
  );
}
