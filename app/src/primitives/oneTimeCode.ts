/** Characters in a one-time code (setup and invitation codes): 20 of Crockford's base32. */
const ONE_TIME_CODE_LENGTH = 20;

const CROCKFORD = /[0-9A-HJKMNP-TV-Z]/;

/**
 * The characters of a typed or pasted code that count, as the server reads them: upper case,
 * `I`/`L` → `1`, `O` → `0`, everything else outside Crockford's alphabet (spaces, dashes, `U`)
 * dropped; at most {@link ONE_TIME_CODE_LENGTH}.
 */
export function oneTimeCodeChars(typed: string): string {
  let out = '';
  for (const raw of typed.toUpperCase()) {
    const ch = raw === 'I' || raw === 'L' ? '1' : raw === 'O' ? '0' : raw;
    if (CROCKFORD.test(ch)) out += ch;
    if (out.length === ONE_TIME_CODE_LENGTH) break;
  }
  return out;
}

/** A code as it is shown and printed: groups of four joined by dashes (`7KQ2-M9XD-…`). */
export function formatOneTimeCode(typed: string): string {
  return oneTimeCodeChars(typed).replace(/(.{4})(?=.)/g, '$1-');
}

/** Whether a typed code has all its characters. */
export const isCompleteOneTimeCode = (typed: string): boolean => oneTimeCodeChars(typed).length === ONE_TIME_CODE_LENGTH;

/**
 * Where the caret goes after reformatting: just after the same number of code characters as
 * were before it in what was typed, so typing or deleting in the middle does not jump to the end.
 */
export function caretAfterFormatting(typed: string, caret: number, formatted: string): number {
  const before = oneTimeCodeChars(typed.slice(0, caret)).length;
  if (before === 0) return 0;
  let seen = 0;
  for (let i = 0; i < formatted.length; i++) {
    if (formatted[i] !== '-') seen++;
    if (seen === before) return i + 1;
  }
  return formatted.length;
}
