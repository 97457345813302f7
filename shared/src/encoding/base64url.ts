import { base64urlnopad, hex } from '@scure/base';

/** Unpadded base64url (RFC 4648 §5), the form WebAuthn and JOSE use for bytes in JSON. */
export const toBase64Url = (bytes: Uint8Array): string => base64urlnopad.encode(bytes);

/** Decodes unpadded base64url; throws on padding or any character outside the alphabet. */
export const fromBase64Url = (text: string): Uint8Array => base64urlnopad.decode(text);

export const toHex = (bytes: Uint8Array): string => hex.encode(bytes);
export const fromHex = (text: string): Uint8Array => hex.decode(text.toLowerCase());
