/**
 * Expected failures are values: a refused grant, an illegal transition or a rejected row is a
 * `Result` the caller (and the UI) can show, never an exception.
 */
export type Result<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });

/** A refusal with a machine-readable code and a sentence a person can read. */
export interface Refusal<C extends string = string> {
  readonly code: C;
  readonly message: string;
}

export const refuse = <C extends string>(code: C, message: string): Result<never, Refusal<C>> =>
  err({ code, message });
