/**
 * At most `max` UTF-16 units of `text`, cut on a whole character, with every lone surrogate
 * replaced by U+FFFD: text the device itself writes (a refusal's message in its log entry and in
 * its reply) that may quote what a sender chose. A lone surrogate — JSON's `"\ud800"` in a
 * clientDataJSON, or an emoji cut in half by a plain `slice` — has no UTF-8 form, so the log's
 * canonical encoding refuses it: the refusal would go unlogged and the device answer
 * `internal_error`. Every refusal is logged, so its text is made well-formed first.
 */
export function wellFormedText(text: string, max: number): string {
  let out = '';
  // `for…of` steps by code point: a surrogate pair comes whole, a lone surrogate alone.
  for (const char of text) {
    const code = char.charCodeAt(0);
    const whole = char.length === 2 || code < 0xd800 || code > 0xdfff ? char : '\ufffd';
    if (out.length + whole.length > max) break;
    out += whole;
  }
  return out;
}
