function encodeInteger(bytes: Uint8Array): number[] {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const value = [...bytes.subarray(start)];
  if (value[0]! & 0x80) value.unshift(0);
  return [0x02, value.length, ...value];
}

/**
 * Converts a raw `r ‖ s` ECDSA signature (IEEE P1363, what WebCrypto produces) to strict DER,
 * the inverse of {@link derToRawSignature}. Throws on an odd or empty input, which is a bug.
 */
export function rawToDerSignature(raw: Uint8Array): Uint8Array {
  if (raw.length === 0 || raw.length % 2 !== 0 || raw.length > 122) {
    throw new RangeError(`raw signature must be an even number of bytes (2..122), got ${raw.length}`);
  }
  const half = raw.length / 2;
  const body = [...encodeInteger(raw.subarray(0, half)), ...encodeInteger(raw.subarray(half))];
  const length = body.length < 0x80 ? [body.length] : [0x81, body.length];
  return Uint8Array.from([0x30, ...length, ...body]);
}
