import { err, ok, type Refusal, type Result } from '../result';

/** The members of `clientDataJSON` (WebAuthn §5.8.1) that an assertion check reads. */
export interface ClientData {
  readonly type: string;
  /** base64url of the challenge bytes, exactly as the browser wrote it. */
  readonly challenge: string;
  readonly origin: string;
  readonly crossOrigin: boolean;
  readonly topOrigin?: string;
}

/** The challenge as every authenticator writes it: base64url (WebAuthn §5.8.1), of a sane length. */
const CHALLENGE_TEXT = /^[A-Za-z0-9_-]{1,512}$/;

/**
 * Parses `clientDataJSON`: strict UTF-8, a JSON object with string `type`, `challenge` (base64url)
 * and `origin`, and an optional boolean `crossOrigin`. Other members are ignored, as the spec requires.
 */
export function parseClientData(bytes: Uint8Array): Result<ClientData, Refusal<'malformed_client_data'>> {
  const malformed = (why: string) => err({ code: 'malformed_client_data' as const, message: `Malformed clientDataJSON: ${why}` });
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    if (error instanceof Error) return malformed(error.message);
    throw error;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return malformed('not a JSON object');
  const { type, challenge, origin, crossOrigin, topOrigin } = value as Record<string, unknown>;
  if (typeof type !== 'string') return malformed('"type" is not a string');
  if (typeof challenge !== 'string') return malformed('"challenge" is not a string');
  // WebAuthn writes the challenge as base64url: anything else (a path, `..`, a query) was never issued.
  if (!CHALLENGE_TEXT.test(challenge)) return malformed('"challenge" is not base64url of at most 512 characters');
  if (typeof origin !== 'string') return malformed('"origin" is not a string');
  if (crossOrigin !== undefined && typeof crossOrigin !== 'boolean') return malformed('"crossOrigin" is not a boolean');
  if (topOrigin !== undefined && typeof topOrigin !== 'string') return malformed('"topOrigin" is not a string');
  return ok({ type, challenge, origin, crossOrigin: crossOrigin ?? false, ...(topOrigin === undefined ? {} : { topOrigin }) });
}
