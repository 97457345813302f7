const nativeWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;

/**
 * Where a string stops being well-formed Unicode: the index of its first lone surrogate (a high
 * surrogate not followed by a low one, or a low one not preceded by a high one), or -1.
 *
 * JSON lets `"\ud800"` through, and JavaScript strings hold it happily, but it has no UTF-8
 * form: hashing or storing such a string either throws or silently turns it into U+FFFD, so two
 * parties would sign different bytes for "the same" text. Every input is checked with this.
 */
export function firstLoneSurrogate(text: string): number {
  // Most text is well-formed: said natively where the runtime can (ES2024), before any loop.
  if (nativeWellFormed?.call(text) === true) return -1;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    if (unit <= 0xdbff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
    }
    return i;
  }
  return -1;
}

/** Whether a string is well-formed Unicode (no lone surrogates), like ES2024 `isWellFormed`. */
export const isWellFormedUnicode = (text: string): boolean => firstLoneSurrogate(text) === -1;
