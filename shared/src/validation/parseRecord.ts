import type { z } from 'zod';
import { refuse, ok, type Refusal, type Result } from '../result';

/** The most issues one refusal lists (the rest are counted). */
const MAX_ISSUES = 5;

const describePath = (path: readonly PropertyKey[]): string =>
  path.length === 0 ? '(record)' : path.map((key) => (typeof key === 'number' ? `[${key}]` : String(key))).join('.').replace(/\.\[/g, '[');

/**
 * Parses untrusted input (a pushed row, a form, a message) against a schema. Ok with the typed
 * record, or an `invalid_record` refusal naming what was expected and what arrived at each
 * offending path, e.g. `expected a seal: window.notAfter: Invalid input: expected number,
 * received string`.
 */
export function parseRecord<S extends z.ZodType>(schema: S, input: unknown, what: string): Result<z.infer<S>, Refusal<'invalid_record'>> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  const issues = parsed.error.issues;
  const listed = issues.slice(0, MAX_ISSUES).map((issue) => `${describePath(issue.path)}: ${issue.message}`);
  const more = issues.length > MAX_ISSUES ? `; and ${issues.length - MAX_ISSUES} more` : '';
  return refuse('invalid_record', `expected ${what}: ${listed.join('; ')}${more}`);
}
