import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Crockford's base32 alphabet: no I, L, O or U, so a code read aloud or typed survives. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function toCrockford(bytes: Uint8Array, chars: number): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += CROCKFORD[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  return out;
}

/** Characters in a one-time code: 20 × 5 bits = 100 bits of entropy. */
export const ONE_TIME_CODE_CHARS = 20;

/**
 * A fresh one-time code (setup or invitation) for a person to type: 100 random bits in
 * Crockford base32, shown in groups of four (`7KQ2-M9XD-…`).
 */
export function newOneTimeCode(): string {
  const plain = toCrockford(randomBytes(13), ONE_TIME_CODE_CHARS);
  return plain.match(/.{4}/g)!.join('-');
}

/**
 * The canonical form of a typed code: case, spaces and dashes ignored; the letters people
 * confuse with digits (I, L → 1; O → 0) read as Crockford intends. `undefined` if it cannot be a code.
 */
export function normaliseOneTimeCode(typed: string): string | undefined {
  const plain = typed.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (plain.length !== ONE_TIME_CODE_CHARS) return undefined;
  for (const ch of plain) if (!CROCKFORD.includes(ch)) return undefined;
  return plain;
}

/**
 * SHA-256 hex of a secret. Only this is stored: the secrets hashed here (codes, session tokens)
 * carry ≥ 100 random bits, so a fast hash is enough and lets the store be looked up by it.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Hash of a typed one-time code, or `undefined` if it cannot be a code at all. */
export function hashOneTimeCode(typed: string): string | undefined {
  const plain = normaliseOneTimeCode(typed);
  return plain === undefined ? undefined : hashSecret(plain);
}

/** A session token: 256 random bits, base64url. Lives only in the cookie; the store keeps its hash. */
export const newSessionToken = (): string => randomBytes(32).toString('base64url');

/** A random id with a readable type prefix (`usr_…`, `unit_…`); not secret. */
export const newId = (prefix: string): string => `${prefix}_${toCrockford(randomBytes(10), 16).toLowerCase()}`;

/** Constant-time equality of two hex hashes. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
