import { base64urlnopad, hex } from '@scure/base';

/**
 * Node's `Buffer` where there is one (the server, the Node tests and benches): its base64url is
 * native and several times faster than `@scure/base` on attachment chunks (hundreds of KB), which
 * the server decodes on every upload. In a browser there is none, and `@scure/base` does it all.
 */
type NativeBuffer = Uint8Array & { toString(encoding: 'base64url'): string };
const onNode = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node !== undefined;
/** Node's own only: a `Buffer` polyfill a browser bundle might carry need not know base64url. */
const NativeBuffer = !onNode ? undefined : (globalThis as { Buffer?: { from(text: string, encoding: 'base64url'): NativeBuffer; from(bytes: ArrayBufferLike, offset: number, length: number): NativeBuffer } }).Buffer;
/** Below this length the library is as fast, and its errors are the ones callers see. */
const NATIVE_FROM = 256;

/**
 * A browser's own base64 (`Uint8Array.fromBase64` / `toBase64`, in Chromium since 140), where
 * there is no `Buffer`: several times faster than the library on a chunk. Like `Buffer`, it is
 * given only text the library would take (it is laxer: whitespace, padding, stray tail bits).
 */
interface BrowserBase64 {
  fromBase64?(text: string, options: { alphabet: 'base64url'; lastChunkHandling: 'loose' }): Uint8Array;
}
const browserFrom = onNode ? undefined : (Uint8Array as unknown as BrowserBase64).fromBase64?.bind(Uint8Array);
/** `Uint8Array.prototype.setFromBase64` (Chromium since 140): decodes into an array that is already there. */
type SetFromBase64 = (this: Uint8Array, text: string, options: { alphabet: 'base64url'; lastChunkHandling: 'loose' }) => { read: number; written: number };
const browserSetFrom = onNode ? undefined : (Uint8Array.prototype as unknown as { setFromBase64?: SetFromBase64 }).setFromBase64;
const browserTo = onNode ? undefined : (Uint8Array.prototype as unknown as { toBase64?: (this: Uint8Array, options: { alphabet: 'base64url'; omitPadding: true }) => string }).toBase64;

/** Unpadded base64url (RFC 4648 §5), the form WebAuthn and JOSE use for bytes in JSON. */
export const toBase64Url = (bytes: Uint8Array): string => {
  if (bytes.length < NATIVE_FROM) return base64urlnopad.encode(bytes);
  if (NativeBuffer !== undefined) return NativeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64url');
  return browserTo !== undefined ? browserTo.call(bytes, { alphabet: 'base64url', omitPadding: true }) : base64urlnopad.encode(bytes);
};

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Unpadded base64url's characters only (RFC 4648 §5): no padding, no `+` or `/`. */
export const BASE64URL_CHARACTERS = /^[A-Za-z0-9_-]*$/;

/** Whether base64url of this length spells whole bytes (4n+1 characters spell none). */
export const spellsWholeBytes = (text: string): boolean => text.length % 4 !== 1;

/**
 * Whether the last character of unpadded base64url leaves its unused low bits zero, as every
 * encoder writes them (and as the decoder, `fromBase64Url`, insists): 4 bits after a 2-character
 * tail, 2 after a 3-character one.
 */
export const hasCanonicalTail = (text: string): boolean => {
  const unused = [0, 0, 0b1111, 0b11][text.length % 4]!;
  return unused === 0 || (ALPHABET.indexOf(text.at(-1)!) & unused) === 0;
};

/**
 * Whether `text` is the one spelling of some bytes in unpadded base64url: only the alphabet, no
 * length of 4n+1, and a canonical tail. Exactly what `fromBase64Url` accepts.
 */
export const isDecodableBase64Url = (text: string): boolean => spellsWholeBytes(text) && BASE64URL_CHARACTERS.test(text) && hasCanonicalTail(text);

/** How many bytes decodable base64url `text` spells, without decoding it. */
export const base64UrlByteLength = (text: string): number => Math.floor((text.length * 3) / 4);

/**
 * Decodes unpadded base64url; throws on padding, on any character outside the alphabet, and on
 * a last character that carries bits past the last whole byte (one spelling per bytes). Natively
 * where it can: `Buffer` skips what it cannot read, so it is given only text the library would
 * take; anything else goes to the library, which throws.
 */
export const fromBase64Url = (text: string): Uint8Array => {
  if (NativeBuffer !== undefined && text.length >= NATIVE_FROM && isDecodableBase64Url(text)) {
    // A copy of its own: a Buffer may be a view on a pool shared with other Buffers.
    return new Uint8Array(NativeBuffer.from(text, 'base64url'));
  }
  if (browserFrom !== undefined && text.length >= NATIVE_FROM && isDecodableBase64Url(text)) return browserFrom(text, { alphabet: 'base64url', lastChunkHandling: 'loose' });
  return base64urlnopad.decode(text);
};

/**
 * Decodes unpadded base64url `text` into `target`, from its start; how many bytes it wrote. What
 * it accepts and refuses is `fromBase64Url`'s; it throws too when `target` is shorter than the
 * bytes. In a browser the bytes go straight into `target` (no array of their own to copy): an
 * upload of several photos decodes each chunk into its place in the request's body.
 */
export const decodeBase64UrlInto = (text: string, target: Uint8Array): number => {
  if (browserSetFrom !== undefined && text.length >= NATIVE_FROM && isDecodableBase64Url(text)) {
    const length = base64UrlByteLength(text);
    if (length > target.length) throw new RangeError(`${length} bytes do not fit in ${target.length}`);
    const { read, written } = browserSetFrom.call(target, text, { alphabet: 'base64url', lastChunkHandling: 'loose' });
    if (read !== text.length || written !== length) throw new RangeError(`decoded ${written} of ${length} bytes`);
    return written;
  }
  const bytes = fromBase64Url(text);
  if (bytes.length > target.length) throw new RangeError(`${bytes.length} bytes do not fit in ${target.length}`);
  target.set(bytes);
  return bytes.length;
};

export const toHex = (bytes: Uint8Array): string => hex.encode(bytes);
export const fromHex = (text: string): Uint8Array => hex.decode(text.toLowerCase());
