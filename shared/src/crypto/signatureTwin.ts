import { fromBase64Url, toBase64Url } from '../encoding/base64url';

/** The order of the P-256 group: (r, s) and (r, n − s) are both valid ECDSA signatures of one message. */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

const toBig = (bytes: Uint8Array): bigint => bytes.reduce((n, b) => (n << 8n) | BigInt(b), 0n);
function fromBig(n: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = length - 1, v = n; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

/**
 * One form of a raw P-256 signature (`r‖s`, 64 bytes, base64url) for the pair it belongs to:
 * the one whose `s` is the lower of `s` and `n − s`. ECDSA is malleable: anyone can turn a valid
 * signature into its twin, which verifies as well, without the key. Two copies of a device log
 * entry that differ only so are one entry, not a fork (and a copy stored in the twin form does
 * not break the chain after it: see `twinForms`). Text that is not a 64-byte signature is returned
 * as it is.
 */
export function lowSForm(signature: string): string {
  const [low] = twinForms(signature);
  return low;
}

/** Both forms of a raw P-256 signature, the low-`s` one first; only the text given when it is not one. */
export function twinForms(signature: string): readonly [string, ...string[]] {
  let raw: Uint8Array;
  try {
    raw = fromBase64Url(signature);
  } catch {
    return [signature];
  }
  if (raw.length !== 64) return [signature];
  const s = toBig(raw.subarray(32));
  if (s === 0n || s >= P256_ORDER) return [signature];
  const twin = new Uint8Array(64);
  twin.set(raw.subarray(0, 32));
  twin.set(fromBig(P256_ORDER - s, 32), 32);
  const other = toBase64Url(twin);
  return s <= P256_ORDER - s ? [signature, other] : [other, signature];
}
