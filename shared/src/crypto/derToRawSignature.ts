import { err, ok, type Refusal, type Result } from '../result';

type Malformed = Refusal<'malformed_signature'>;
const malformed = (why: string): Result<never, Malformed> =>
  err({ code: 'malformed_signature', message: `Malformed DER ECDSA signature: ${why}` });

/** Reads one strict-DER INTEGER at `at`; returns its unsigned big-endian value and the next offset. */
function readInteger(der: Uint8Array, at: number, size: number, name: string): Result<{ value: Uint8Array; next: number }, Malformed> {
  if (der[at] !== 0x02) return malformed(`expected INTEGER tag 0x02 for ${name} at byte ${at}, got ${der[at] === undefined ? 'end of data' : `0x${der[at].toString(16)}`}`);
  const length = der[at + 1];
  if (length === undefined) return malformed(`missing length of ${name}`);
  if (length === 0 || length > size + 1) return malformed(`${name} is ${length} bytes, expected 1..${size + 1}`);
  const start = at + 2;
  const next = start + length;
  if (next > der.length) return malformed(`${name} runs past the end (${next} > ${der.length} bytes)`);
  const bytes = der.subarray(start, next);
  const first = bytes[0]!;
  if (first & 0x80) return malformed(`${name} is negative`);
  if (first === 0 && length > 1 && !(bytes[1]! & 0x80)) return malformed(`${name} has a superfluous leading zero (not minimal DER)`);
  const value = first === 0 && length > 1 ? bytes.subarray(1) : bytes;
  if (value.length > size) return malformed(`${name} is ${value.length} bytes, longer than ${size}`);
  if (value.every((b) => b === 0)) return malformed(`${name} is zero`);
  return ok({ value, next });
}

/**
 * Converts a DER `ECDSA-Sig-Value` (`SEQUENCE { r INTEGER, s INTEGER }`, what WebAuthn ES256
 * authenticators produce) into the raw `r ‖ s` form (IEEE P1363) that WebCrypto verifies.
 *
 * Strict: one encoding per signature. Refuses a wrong tag, a non-minimal or long-form length that
 * DER forbids, a negative, zero, over-long or non-minimally encoded integer, and trailing bytes.
 * So a signature cannot be re-encoded into a second accepted form.
 *
 * @param size - byte length of each of r and s (32 for P-256)
 */
export function derToRawSignature(der: Uint8Array, size = 32): Result<Uint8Array, Malformed> {
  if (der[0] !== 0x30) return malformed(`expected SEQUENCE tag 0x30, got ${der[0] === undefined ? 'no bytes' : `0x${der[0].toString(16)}`}`);
  let contentLength = der[1];
  let at = 2;
  if (contentLength === undefined) return malformed('missing SEQUENCE length');
  if (contentLength === 0x81) {
    // Long form is allowed by DER only when the short form cannot express the length.
    contentLength = der[2];
    at = 3;
    if (contentLength === undefined || contentLength < 0x80) return malformed('long-form length where the short form fits');
  } else if (contentLength >= 0x80) {
    return malformed(`unsupported SEQUENCE length byte 0x${contentLength.toString(16)}`);
  }
  if (at + contentLength !== der.length) return malformed(`SEQUENCE says ${contentLength} content bytes, got ${der.length - at}`);
  const r = readInteger(der, at, size, 'r');
  if (!r.ok) return r;
  const s = readInteger(der, r.value.next, size, 's');
  if (!s.ok) return s;
  if (s.value.next !== der.length) return malformed(`${der.length - s.value.next} trailing bytes after s`);
  const raw = new Uint8Array(2 * size);
  raw.set(r.value.value, size - r.value.value.length);
  raw.set(s.value.value, 2 * size - s.value.value.length);
  return ok(raw);
}
