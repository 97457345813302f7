import { fromBase64Url } from '../encoding/base64url';

/** Decodes unpadded base64url, or `undefined` when the text is not canonical base64url. */
export function decodeBase64Url(text: unknown): Uint8Array | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    return fromBase64Url(text);
  } catch (error) {
    if (error instanceof Error) return undefined;
    throw error;
  }
}

/** Byte-wise equality. Not constant-time: only for public values (hashes, ids, challenges). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A copy on a fresh ArrayBuffer, the shape WebCrypto's `BufferSource` parameters want. */
export const asBufferSource = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes);

export const concatBytes = (a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
};
