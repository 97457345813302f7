import { refuse, ok, type Refusal, type Result } from '../result';
import { JSON_LIMITS, type JsonLimits } from './jsonLimits';
import { firstLoneSurrogate } from './wellFormedUnicode';

/** Why a parsed JSON value is refused. */
export type JsonValueProblem = 'bad_unicode' | 'too_deep' | 'too_large' | 'forbidden_key';

/** A path kept as links to the parent, rendered only when something is refused. */
interface PathLink {
  readonly parent: PathLink | undefined;
  readonly key: string | number;
}

function render(link: PathLink | undefined): string {
  const parts: string[] = [];
  for (let at = link; at; at = at.parent) parts.push(typeof at.key === 'number' ? `[${at.key}]` : `.${at.key}`);
  return `$${parts.reverse().join('')}`;
}

/** Keys that reach an object's prototype when the value is later spread or merged. */
const FORBIDDEN_KEYS = new Set(['__proto__']);

const loneSurrogate = (where: string, text: string, at: number): Result<never, Refusal<'bad_unicode'>> =>
  refuse('bad_unicode', `${where} is not well-formed Unicode: expected text, found a lone surrogate \\u${text.charCodeAt(at).toString(16)} at position ${at}`);

/**
 * Walks a parsed value without recursion and refuses what no schema may accept: strings or keys
 * that are not well-formed Unicode (lone surrogates, which JSON's `\ud800` escape lets in),
 * nesting deeper than the limit, numbers out of range (`1e309` parses to Infinity), and
 * `__proto__` keys. Used on every request body, query and
 * path by the server, and by the app on what it reads from outside.
 */
export function checkJsonValue(value: unknown, limits: JsonLimits = JSON_LIMITS): Result<void, Refusal<JsonValueProblem>> {
  return isClean(value, 0, limits.maxDepth) ? ok(undefined) : findProblem(value, limits);
}

/**
 * Whether `value` holds nothing {@link checkJsonValue} refuses: the common case, said without
 * building a path for every value (recursive, at most `maxDepth` deep). Only a value that fails
 * is walked again to say where.
 */
function isClean(value: unknown, depth: number, maxDepth: number): boolean {
  if (typeof value === 'string') return firstLoneSurrogate(value) < 0;
  if (typeof value === 'number') return Number.isFinite(value);
  if (value === null || typeof value !== 'object') return true;
  if (depth >= maxDepth) return false;
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) if (!isClean(item, depth + 1, maxDepth)) return false;
    return true;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key) || firstLoneSurrogate(key) >= 0 || !isClean((value as Record<string, unknown>)[key], depth + 1, maxDepth)) return false;
  }
  return true;
}

/** The first thing {@link checkJsonValue} refuses in `value`, with its path (iterative: no depth is too deep to say). */
function findProblem(value: unknown, limits: JsonLimits): Result<void, Refusal<JsonValueProblem>> {
  const stack: { value: unknown; depth: number; path: PathLink | undefined }[] = [{ value, depth: 0, path: undefined }];
  while (stack.length > 0) {
    const { value: current, depth, path } = stack.pop()!;
    if (typeof current === 'string') {
      const at = firstLoneSurrogate(current);
      if (at >= 0) return loneSurrogate(`The text at ${render(path)}`, current, at);
      continue;
    }
    if (typeof current === 'number' && !Number.isFinite(current)) {
      // `1e309` is valid JSON text that parses to Infinity, which no record can hold or hash.
      return refuse('too_large', `The number at ${render(path)} is out of range (${current}): expected a finite number`);
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth >= limits.maxDepth) {
      return refuse('too_deep', `The value at ${render(path)} nests deeper than ${limits.maxDepth} levels: expected at most ${limits.maxDepth} objects or arrays inside one another`);
    }
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i] as unknown, depth: depth + 1, path: { parent: path, key: i } });
      continue;
    }
    for (const key of Object.keys(current)) {
      const at = firstLoneSurrogate(key);
      if (at >= 0) return loneSurrogate(`A key in ${render(path)}`, key, at);
      if (FORBIDDEN_KEYS.has(key)) return refuse('forbidden_key', `${render(path)} has the key "${key}", which is never accepted: expected the fields of the record only`);
      stack.push({ value: (current as Record<string, unknown>)[key], depth: depth + 1, path: { parent: path, key } });
    }
  }
  return ok(undefined);
}
