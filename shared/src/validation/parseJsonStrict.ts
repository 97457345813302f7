import { refuse, ok, type Refusal, type Result } from '../result';
import { checkJsonValue, type JsonValueProblem } from './checkJsonValue';
import { decodeUtf8Strict } from './decodeUtf8Strict';
import { JSON_LIMITS, type JsonLimits } from './jsonLimits';
import { scanJsonText } from './scanJsonText';

/** Every reason untrusted JSON is refused before any schema sees it. */
export type JsonInputProblem = JsonValueProblem | 'duplicate_key' | 'invalid_json';

/**
 * Parses untrusted JSON (bytes or text) and refuses, each with its own code, what is not strict
 * JSON of well-formed Unicode within the limits: invalid UTF-8 (`bad_unicode`), nesting deeper
 * than the limit (`too_deep`, found by a scan of the text before `JSON.parse` runs), a key named
 * twice (`duplicate_key`), malformed JSON or an empty input (`invalid_json`), lone surrogates in
 * strings or keys (`bad_unicode`) and `__proto__` keys (`forbidden_key`).
 */
export function parseJsonStrict(input: Uint8Array | string, limits: JsonLimits = JSON_LIMITS, what = 'The body'): Result<unknown, Refusal<JsonInputProblem>> {
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    const decoded = decodeUtf8Strict(input, what);
    if (!decoded.ok) return decoded;
    text = decoded.value;
  }
  if (text.trim() === '') return refuse('invalid_json', `${what} is empty: expected a JSON value`);
  const scanned = scanJsonText(text, limits);
  if (!scanned.ok) return scanned;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    return refuse('invalid_json', `${what} is not valid JSON: ${error.message}`);
  }
  const checked = checkJsonValue(value, limits);
  return checked.ok ? ok(value) : checked;
}
