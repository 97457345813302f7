import { isWellFormedUnicode } from '../validation/wellFormedUnicode';
import { toHex } from './base64url';

/**
 * Canonical form of a record: RFC 8785 JSON Canonicalization Scheme (sorted keys, ECMAScript
 * number formatting, no whitespace), UTF-8 encoded. The same record gives the same bytes on
 * every runtime (browser, Node, the device), so approvals and grants can sign its hash.
 *
 * Records hold only JSON values: bytes travel as base64url strings, times as integer
 * milliseconds since the Unix epoch.
 */
export class CanonicalEncodingError extends Error {
  override readonly name = 'CanonicalEncodingError';
}

/** ES2024's native check where the runtime has it (every current browser and Node 20), else ours. */
const nativeWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;
const wellFormed: (text: string) => boolean = nativeWellFormed ? (text) => nativeWellFormed.call(text) : isWellFormedUnicode;

/** Where the encoder is in a value (built only for an error message). */
const pathOf = (segments: readonly (string | number)[]): string =>
  segments.reduce<string>((path, segment) => (typeof segment === 'number' ? `${path}[${segment}]` : `${path}.${segment}`), '$');

/**
 * How long a string must be to travel as a piece of its own (an attachment chunk's base64url
 * text, ~175 KB; a record's fields are far shorter): handed on as it is, not copied into the
 * text around it. Used by `canonicalJsonPieces` and the server's `_bulk_docs` bytes alike.
 */
export const LONG_TEXT = 16_384;

/**
 * A character JSON escapes (a control character, `"`, `\\`) or a UTF-16 surrogate (one of a pair,
 * or lone: no UTF-8 form). A string without any is its own JSON text between quotes.
 */
// eslint-disable-next-line no-control-regex -- the control characters are what it looks for
const NEEDS_CARE = /[\u0000-\u001f"\\\ud800-\udfff]/;

/**
 * Whether `value` is a long text (at least `min` characters) that JSON writes as it is, between
 * quotes, escaping nothing (`NEEDS_CARE` finds none of what JSON escapes, nor any surrogate: a
 * text holding an emoji is written through JSON.stringify, which gives the same bytes). One scan,
 * nothing built: JSON.stringify of an attachment chunk's ~175 KB to compare lengths took three
 * times as long, and the server asks twice a chunk (its MAC, its `_bulk_docs` bytes).
 */
export function plainLongText(value: string, min = LONG_TEXT): boolean {
  return value.length >= min && !NEEDS_CARE.test(value);
}

/**
 * Where the encoder writes: `text`, the text since the last piece; `parts`, the pieces before it
 * (only strings of at least `piece` characters that need no escaping are pieces of their own:
 * handed on as they are, never copied into a larger string).
 */
interface Sink {
  readonly parts: string[];
  text: string;
  readonly piece: number;
}

/**
 * Writes the RFC 8785 text of `value`, byte for byte what the `canonicalize` library gives (its
 * tests hold the two to each other), in one pass that also refuses what has no single JSON form.
 * The library checks strings for lone surrogates one UTF-16 unit at a time in JavaScript: on the
 * server that was a tenth of an attachment upload's CPU (each 128 KiB chunk is MAC'd as JSON).
 */
function write(value: unknown, at: (string | number)[], sink: Sink): void {
  if (value === null) {
    sink.text += 'null';
    return;
  }
  switch (typeof value) {
    case 'string': {
      // Most strings need no escape and hold no surrogate: written between quotes as they are.
      if (value.length < sink.piece && !NEEDS_CARE.test(value)) {
        sink.text += `"${value}"`;
        return;
      }
      if (!wellFormed(value)) throw new CanonicalEncodingError(`${pathOf(at)} holds a lone surrogate: it has no UTF-8 form`);
      if (plainLongText(value, sink.piece)) {
        sink.parts.push(`${sink.text}"`, value);
        sink.text = '"';
      } else {
        sink.text += JSON.stringify(value);
      }
      return;
    }
    case 'boolean':
      sink.text += value ? 'true' : 'false';
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalEncodingError(`${pathOf(at)} is ${value}: only finite numbers are allowed`);
      // ECMAScript's Number-to-String, which RFC 8785 adopts (-0 is written 0).
      sink.text += String(value);
      return;
    case 'object': {
      if (Array.isArray(value)) {
        sink.text += '[';
        for (let i = 0; i < value.length; i++) {
          at.push(i);
          if (i > 0) sink.text += ',';
          write(value[i], at, sink);
          at.pop();
        }
        sink.text += ']';
        return;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) {
        throw new CanonicalEncodingError(`${pathOf(at)} is a ${value.constructor?.name ?? 'non-plain object'}: only plain objects are allowed`);
      }
      const record = value as Record<string, unknown>;
      // Sorted by UTF-16 code units, as RFC 8785 says (and as Array#sort compares strings).
      const keys = Object.keys(record).sort();
      sink.text += '{';
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        at.push(key);
        const item = record[key];
        // An undefined property would silently vanish from the bytes; refuse it so signer and
        // verifier never disagree on what was signed.
        if (item === undefined) throw new CanonicalEncodingError(`${pathOf(at)} is undefined`);
        if (NEEDS_CARE.test(key)) {
          if (!wellFormed(key)) throw new CanonicalEncodingError(`${pathOf(at)}: the key holds a lone surrogate`);
          sink.text += `${i === 0 ? '' : ','}${JSON.stringify(key)}:`;
        } else {
          sink.text += `${i === 0 ? '"' : ',"'}${key}":`;
        }
        write(item, at, sink);
        at.pop();
      }
      sink.text += '}';
      return;
    }
    default:
      throw new CanonicalEncodingError(value === undefined ? `${pathOf(at)} is undefined` : `${pathOf(at)} is a ${typeof value}: not a JSON value`);
  }
}

/** The canonical JSON text of a record. Throws `CanonicalEncodingError` on a non-JSON value. */
export function canonicalJson(value: unknown): string {
  const sink: Sink = { parts: [], text: '', piece: Infinity };
  write(value, [], sink);
  return sink.text;
}

/**
 * The canonical JSON text of a record in pieces that join to `canonicalJson(value)`: each string
 * value of at least `piece` characters that needs no escaping (an attachment chunk's base64url)
 * is a piece of its own, the very string given; the text around them is one piece each. For a
 * hash or MAC fed piece by piece: on the server, a chunk's text copied into the whole and that
 * handed to the HMAC cost ~1.1 ms a 128 KiB chunk, the pieces ~0.3 ms.
 */
export function canonicalJsonPieces(value: unknown, piece = LONG_TEXT): string[] {
  const sink: Sink = { parts: [], text: '', piece };
  write(value, [], sink);
  return [...sink.parts, sink.text];
}

/** The canonical bytes of a record (UTF-8 of its canonical JSON). */
export function canonicalBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}

/** SHA-256 of some bytes, with WebCrypto (browser, Node and worker alike). */
export async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

/** SHA-256 of a record's canonical bytes: what approvals, grants and logs sign. */
export async function hashRecord(value: unknown): Promise<Uint8Array> {
  return sha256(canonicalBytes(value));
}

/** SHA-256 as lowercase hex. The default is WebCrypto's; a server may pass a synchronous one (same digest, less overhead per call). */
export type Sha256HexFunction = (bytes: Uint8Array) => string | Promise<string>;

/** WebCrypto's SHA-256 as lowercase hex: the default `Sha256HexFunction`. */
export const webCryptoSha256Hex: Sha256HexFunction = async (bytes) => toHex(await sha256(bytes));

/** `hashRecord` as lowercase hex, for ids and display (with `sha256Hex`, when given, for the digest). */
export async function hashRecordHex(value: unknown, sha256Hex?: Sha256HexFunction): Promise<string> {
  return sha256Hex ? sha256Hex(canonicalBytes(value)) : toHex(await hashRecord(value));
}
