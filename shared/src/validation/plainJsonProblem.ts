/** Keys that reach an object's prototype machinery when assigned or merged: never data. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Deeper than any record or fact the schemas describe: a bound, not a limit anyone meets. */
const MAX_DEPTH = 64;

/**
 * Why `value` is not plain JSON data, or `undefined` when it is: every object is a plain object
 * (prototype `Object.prototype`) or an array, no key is `__proto__`, `constructor` or `prototype`,
 * and nesting stays within a bound.
 *
 * A schema alone does not see this: a decoded Automerge document whose map holds a `__proto__`
 * key comes out of `toJS` with that map as its *prototype*, so its fields are inherited, not own,
 * and a schema reading `doc.kind` is answered by the prototype. Records and fact bodies are checked
 * with this before their schema, in the app and on the server alike.
 */
export function plainJsonProblem(value: unknown, path = '(record)', depth = 0): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (depth > MAX_DEPTH) return `${path}: expected at most ${MAX_DEPTH} levels of nesting, got more`;
  const prototype = Object.getPrototypeOf(value) as unknown;
  const isArray = Array.isArray(value);
  if (prototype !== (isArray ? Array.prototype : Object.prototype)) return `${path}: expected a plain JSON ${isArray ? 'array' : 'object'}, got one with another prototype (a "__proto__" key?)`;
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return `${path}: expected data keys, got the key "${key}"`;
    const problem = plainJsonProblem((value as Record<string, unknown>)[key], isArray ? `${path}[${key}]` : `${path}.${key}`, depth + 1);
    if (problem !== undefined) return problem;
  }
  return undefined;
}
