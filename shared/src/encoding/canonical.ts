import canonicalize from 'canonicalize';
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

function assertJsonOnly(value: unknown, path: string): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new CanonicalEncodingError(`${path} is ${value}: only finite numbers are allowed`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => assertJsonOnly(item, `${path}[${i}]`));
    return;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      throw new CanonicalEncodingError(`${path} is a ${value.constructor?.name ?? 'non-plain object'}: only plain objects are allowed`);
    }
    for (const [key, item] of Object.entries(value)) {
      // An undefined property would silently vanish from the bytes; refuse it so signer and
      // verifier never disagree on what was signed.
      if (item === undefined) throw new CanonicalEncodingError(`${path}.${key} is undefined`);
      assertJsonOnly(item, `${path}.${key}`);
    }
    return;
  }
  throw new CanonicalEncodingError(`${path} is a ${typeof value}: not a JSON value`);
}

/** The canonical JSON text of a record. Throws `CanonicalEncodingError` on a non-JSON value. */
export function canonicalJson(value: unknown): string {
  assertJsonOnly(value, '$');
  const text = canonicalize(value);
  if (text === undefined) throw new CanonicalEncodingError('$ has no JSON form');
  return text;
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

/** `hashRecord` as lowercase hex, for ids and display. */
export async function hashRecordHex(value: unknown): Promise<string> {
  return toHex(await hashRecord(value));
}
