/**
 * An error that says what went wrong as a code from a closed union (what the UI and callers
 * branch on) and in a message for people, keeping what caused it: SimpleWebAuthn's
 * `WebAuthnError` shape. Subclasses only name themselves, e.g.
 * `class TransportError extends CodedError<TransportErrorCode> { override readonly name = 'TransportError'; }`.
 */
export class CodedError<C extends string> extends Error {
  constructor(
    readonly code: C,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
