import { z } from 'zod';
import { ok, refuse, type Refusal, type Result } from '../result';

/**
 * The parts of a seal's 13-digit anti-counterfeit code (防伪码), as the public security system
 * assigns it: a 4-digit area code (usually the first four digits of the business licence's
 * region), the 3-digit number of the licensed engraver (刻章企业), and the engraver's 6-digit
 * serial. No check digit is publicly defined, so none is checked: a well-formed code can still be
 * unregistered — only the public security seal registry can confirm it.
 */
export interface AntiCounterfeitCodeParts {
  readonly code: string;
  readonly areaCode: string;
  readonly engraverNumber: string;
  readonly serial: string;
}

/** Why a text is not an anti-counterfeit code. */
export type AntiCounterfeitCodeRefusalCode = 'not_a_string' | 'wrong_length' | 'not_digits';

const describe = (text: string): string => JSON.stringify(text);

/**
 * Parses a 13-digit anti-counterfeit code. The text must be exactly 13 ASCII digits: no spaces,
 * dashes or full-width digits (the code is printed on the seal as plain digits; normalising user
 * input is the form's job, so what is stored is exactly what was checked).
 */
export function parseAntiCounterfeitCode(text: unknown): Result<AntiCounterfeitCodeParts, Refusal<AntiCounterfeitCodeRefusalCode>> {
  if (typeof text !== 'string') return refuse('not_a_string', `expected a 13-digit anti-counterfeit code as text, got ${text === null ? 'null' : typeof text}`);
  const length = [...text].length;
  if (length !== 13) return refuse('wrong_length', `expected exactly 13 digits (4 area + 3 engraver + 6 serial), got ${length} characters: ${describe(text)}`);
  const bad = [...text].findIndex((ch) => ch < '0' || ch > '9');
  if (bad !== -1) return refuse('not_digits', `expected only the digits 0-9, got ${describe([...text][bad]!)} at position ${bad + 1} of ${describe(text)}`);
  return ok({ code: text, areaCode: text.slice(0, 4), engraverNumber: text.slice(4, 7), serial: text.slice(7) });
}

/** A well-formed 13-digit anti-counterfeit code (see {@link parseAntiCounterfeitCode}). */
export const antiCounterfeitCodeSchema = z.string().superRefine((text, ctx) => {
  const parsed = parseAntiCounterfeitCode(text);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error.message });
});
