/**
 * PROTOCOL.md §3: messages are CBOR with definite lengths only, and no tags. cbor-x decodes
 * indefinite-length strings, arrays and maps (additional information 31, ended by a break byte
 * 0xff) without complaint, and acts on every tag it knows — among them the value-sharing tags
 * 28/29, with which a few hundred bytes name one array from thousands of places, so that the
 * decoded value (and every walk over it) grows exponentially with the message. The protocol
 * encodes neither (no encoder setting of `cbor.ts` writes a tag), so every message is walked
 * first, header by header, and refused if it holds one, before cbor-x sees a byte of it.
 * One encoding per value keeps the protocol small for firmware and leaves no second way to spell
 * a signed record. The walk is iterative (no recursion to exhaust) and reads each byte at most
 * once, so hostile input costs no more than its length.
 */

const MAJOR_NAMES = ['unsigned integer', 'negative integer', 'byte string', 'text string', 'array', 'map', 'tag', 'simple value'] as const;

/**
 * Why `bytes` is not one well-formed, definite-length, untagged CBOR item (its head), or `null`
 * when it is.
 */
export function protocolCborProblem(bytes: Uint8Array): string | null {
  let offset = 0;
  // Items still to read: the top-level one, plus what arrays, maps and tags announce.
  let pending = 1;
  while (pending > 0) {
    const at = offset;
    const initial = bytes[offset++];
    if (initial === undefined) return `truncated at offset ${at}: ${pending} more item(s) announced`;
    const major = initial >> 5;
    const info = initial & 0x1f;
    if (info === 31) {
      return major === 7
        ? `a break byte (0xff) at offset ${at}: only definite lengths are allowed`
        : `an indefinite-length ${MAJOR_NAMES[major]} at offset ${at} (0x${initial.toString(16)}): only definite lengths are allowed`;
    }
    if (info >= 28) return `reserved additional information ${info} at offset ${at}`;
    // Refused on its head, whatever it tags: nothing the protocol sends is tagged.
    if (major === 6) return `a tag (major type 6) at offset ${at}: the protocol uses no CBOR tags`;
    let argument = info;
    if (info >= 24) {
      const size = 1 << (info - 24);
      if (offset + size > bytes.length) return `truncated at offset ${at}: a ${size}-byte argument announced`;
      argument = 0;
      for (let i = 0; i < size; i++) argument = argument * 256 + bytes[offset + i]!;
      offset += size;
    }
    pending -= 1;
    if (major === 2 || major === 3) {
      offset += argument;
      if (offset > bytes.length) return `truncated: a ${MAJOR_NAMES[major]} of ${argument} bytes at offset ${at}`;
    } else if (major === 4) pending += argument;
    else if (major === 5) pending += 2 * argument;
  }
  return null;
}
