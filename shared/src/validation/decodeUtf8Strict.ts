import { refuse, ok, type Refusal, type Result } from '../result';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The length of the valid UTF-8 sequence starting at `i`, or 0 if none starts there. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const lead = bytes[i]!;
  if (lead < 0x80) return 1;
  // Lead bytes and the range the second byte must fall in (no overlongs, no surrogates, ≤ U+10FFFF).
  const [length, low, high] =
    lead >= 0xc2 && lead <= 0xdf ? [2, 0x80, 0xbf]
      : lead === 0xe0 ? [3, 0xa0, 0xbf]
        : lead === 0xed ? [3, 0x80, 0x9f]
          : lead >= 0xe1 && lead <= 0xef ? [3, 0x80, 0xbf]
            : lead === 0xf0 ? [4, 0x90, 0xbf]
              : lead === 0xf4 ? [4, 0x80, 0x8f]
                : lead >= 0xf1 && lead <= 0xf3 ? [4, 0x80, 0xbf]
                  : [0, 0, 0];
  if (length === 0 || i + length > bytes.length) return 0;
  const second = bytes[i + 1]!;
  if (second < low || second > high) return 0;
  for (let k = 2; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return 0;
  return length;
}

/** The offset of the first byte that does not start a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const length = sequenceLength(bytes, i);
    if (length === 0) return i;
    i += length;
  }
  return -1;
}

/**
 * Decodes UTF-8 and refuses what is not: no silent U+FFFD in place of a broken byte (which would
 * make two different uploads read as one text). Encoded surrogates (ED A0 80) are refused too,
 * so the text that comes out is well-formed Unicode.
 */
export function decodeUtf8Strict(bytes: Uint8Array, what = 'the input'): Result<string, Refusal<'bad_unicode'>> {
  try {
    return ok(strict.decode(bytes));
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    const at = firstInvalidUtf8Byte(bytes);
    const shown = Array.from(bytes.subarray(Math.max(at, 0), Math.max(at, 0) + 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    return refuse('bad_unicode', `${what} is not valid UTF-8: expected a UTF-8 sequence at byte ${at}, found ${shown || 'the end of the input'}`);
  }
}
