import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * The shapes a setting's text may take. Each is strict about the text itself, because
 * `Number(' 80')`, `Number('0x50')` and `Number('1e3')` all read as numbers and `Number('')` as 0:
 * a value that is not written the plain way is refused, not guessed at.
 */

/** An empty variable (`PORT=` in an env file) means the same as an unset one: use the default. */
const blankAsUnset = (value: unknown): unknown => (value === '' ? undefined : value);

/** A setting with a default: `expected` is the phrase the refusal says ("PORT must be …"). */
export const withDefault = <T extends z.ZodType>(schema: T, fallback: z.output<T>, expected: string) =>
  // `default` is typed against the concrete schema (`this`), which a generic T cannot name; the
  // parameter above already ties the fallback to T's output.
  z.preprocess(blankAsUnset, schema.default(fallback as never)).describe(expected);

/** A setting without a default (unset stays `undefined`). */
export const optionalSetting = <T extends z.ZodType>(schema: T, expected: string) =>
  z.preprocess(blankAsUnset, schema.optional()).describe(expected);

/** Digits only, then bounds: no sign, no exponent, no hex, no spaces. */
export const wholeNumber = (min: number, max: number) =>
  z.string().regex(/^[0-9]{1,16}$/).transform(Number).pipe(z.number().int().min(min).max(max));

/** A plain decimal above zero and up to `max` (fractions allowed: half an hour is a fair TTL). */
export const positiveDecimal = (max: number) =>
  z.string().regex(/^[0-9]{1,16}(\.[0-9]{1,16})?$/).transform(Number).pipe(z.number().positive().max(max));

// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A file-system path as written (resolved against the working directory later). */
export const pathText = z.string().refine((text) => !CONTROL.test(text) && text.trim() === text);

/** Display text without control characters, at most `max` characters. */
export const displayText = (max: number) => z.string().max(max).refine((text) => !CONTROL.test(text) && text.trim() === text);

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** A lowercase DNS name: labels of letters, digits and inner hyphens, not all digits (no IP address). */
export const isDomainName = (text: string): boolean =>
  text.length <= 253 && text.split('.').every((label) => LABEL.test(label)) && !/^[0-9.]+$/.test(text);

export const domainName = z.string().refine(isDomainName);

/** Where to listen: an IP address (IPv4 or IPv6) or a host name. */
export const listenHost = z.string().refine((text) => isIP(text) !== 0 || isDomainName(text.toLowerCase()));

/** An http(s) URL of a CouchDB server: no query or fragment, which nano would silently drop or mangle. */
export const couchUrl = z.string().refine((text) => {
  if (!URL.canParse(text) || text.trim() !== text) return false;
  const url = new URL(text);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.search === '' && url.hash === '' && url.hostname !== '';
});

/** pino's levels (fastify's logger); anything else makes fastify throw at start. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
