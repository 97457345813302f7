import type { z } from 'zod';
import { environmentFields, type EnvironmentVariable } from './environmentSchema';

const SHOWN_CHARS = 80;

/** Credentials in a URL (COUCHDB_URL) are not repeated on the console: the password becomes `***`. */
function withoutPassword(text: string): string {
  if (!URL.canParse(text)) return text;
  const url = new URL(text);
  if (url.password === '') return text;
  url.password = '***';
  return url.href;
}

/** The value as it arrived, quoted, control characters escaped, a long one cut short. */
function shown(value: string): string {
  const safe = withoutPassword(value);
  if (safe.length <= SHOWN_CHARS) return JSON.stringify(safe);
  return `${JSON.stringify(`${safe.slice(0, SHOWN_CHARS)}…`)} (${safe.length} characters)`;
}

const isVariable = (key: PropertyKey | undefined): key is EnvironmentVariable => typeof key === 'string' && key in environmentFields;

/**
 * One sentence per variable refused, naming it, what it must be and what arrived:
 * `PORT must be an integer between 0 and 65535 (0 picks a free port), got "eighty"`.
 * A check on the value alone says the variable's own expected phrase (zod's wording is not
 * repeated); a check made together with other settings brings its own phrase and value.
 */
export function describeProblems(issues: readonly z.core.$ZodIssue[], env: Readonly<Record<string, string | undefined>>): string[] {
  const sentences = new Map<EnvironmentVariable, string>();
  for (const issue of issues) {
    const variable = issue.path[0];
    if (!isVariable(variable) || sentences.has(variable)) continue;
    // Problems found together with other settings carry their own phrase and the text at fault.
    const together = issue.code === 'custom' && typeof issue.params?.arrived === 'string' ? issue.params.arrived : undefined;
    const expected = together === undefined ? environmentFields[variable].description : issue.message;
    const arrived = together ?? env[variable] ?? '';
    sentences.set(variable, `${variable} must be ${expected}, got ${shown(arrived)}`);
  }
  return [...sentences.values()];
}
