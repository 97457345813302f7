import * as asn1js from 'asn1js';

/** A copy of `bytes` as an ArrayBuffer of exactly its length (asn1js and WebCrypto take ArrayBuffers). */
export function arrayBufferOf(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}

/** Parses one DER/BER value, throwing a plain error (with `what`) when the bytes are not one. */
export function parseDer(bytes: Uint8Array, what: string): asn1js.AsnType {
  const parsed = asn1js.fromBER(arrayBufferOf(bytes));
  if (parsed.offset === -1) throw new Error(`${what} is not DER: ${parsed.result.error}`);
  if (parsed.offset !== bytes.byteLength) throw new Error(`${what} has ${bytes.byteLength - parsed.offset} bytes after its DER value`);
  return parsed.result;
}

const PEM_RE = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

function base64Of(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** PEM text of DER bytes under `label` ("CERTIFICATE", "CERTIFICATE REQUEST", "PRIVATE KEY"). */
export function toPem(label: string, der: Uint8Array): string {
  return `-----BEGIN ${label}-----\n${base64Of(der).match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;
}

/** Every block of `label` in PEM text, as DER bytes, in order. */
export function fromPem(label: string, pem: string): Uint8Array<ArrayBuffer>[] {
  const out: Uint8Array<ArrayBuffer>[] = [];
  for (const match of pem.matchAll(PEM_RE)) {
    if (match[1] !== label) continue;
    const binary = atob(match[2]!.replace(/\s+/g, ''));
    out.push(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  }
  return out;
}

/** Lower-case hex of bytes. */
export const hexOf = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** SHA-256 of bytes (WebCrypto), as bytes. */
export async function sha256(bytes: Uint8Array | ArrayBuffer): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes instanceof Uint8Array ? arrayBufferOf(bytes) : bytes));
}
