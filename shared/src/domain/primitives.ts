import { z } from 'zod';
import { BASE64URL_CHARACTERS, hasCanonicalTail, spellsWholeBytes } from '../encoding/base64url';

/**
 * The last millisecond of the year 9999 (UTC): the latest time a record may name. Every time up
 * to it has a `Date` and a four-digit ISO year; a time far beyond (up to 2^53) made HQ's day
 * buckets and the public verification page throw on one pushed row.
 */
export const MAX_MILLIS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * A point in time: integer milliseconds since the Unix epoch (UTC), at most {@link MAX_MILLIS}.
 * Never a `Date`: records must be plain JSON so that `hashRecord` gives every replica the same bytes.
 */
export const millisSchema = z.int().min(0).max(MAX_MILLIS);
/** See {@link millisSchema}. */
export type Millis = z.infer<typeof millisSchema>;

/** Unpadded base64url text (RFC 4648 §5): how bytes travel inside records. */
export const base64UrlSchema = z
  .string()
  .regex(BASE64URL_CHARACTERS, { message: 'expected unpadded base64url (A-Z a-z 0-9 - _)' })
  .refine(spellsWholeBytes, { message: 'expected base64url: a length of 4n+1 characters encodes no whole byte' });

/**
 * Base64url that `fromBase64Url` decodes (its last character's unused bits zero): bytes a route
 * decodes as they arrive (an attachment's chunk, a scan), refused as the request's fault otherwise.
 */
export const decodableBase64UrlSchema = base64UrlSchema.refine(hasCanonicalTail, { message: 'expected base64url: its last character carries bits past the last whole byte' });
/** See {@link base64UrlSchema}. */
export type Base64Url = z.infer<typeof base64UrlSchema>;

/** A SHA-256 digest as 64 lowercase hex characters (one spelling only, so it can be compared as text). */
export const sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, { message: 'expected a SHA-256 digest as 64 lowercase hex characters' });
/** See {@link sha256HexSchema}. */
export type Sha256Hex = z.infer<typeof sha256HexSchema>;

/** The longest reason or comment a record keeps (characters). */
export const MAX_REASON_LENGTH = 2000;

/**
 * A reason a person gives for a lifecycle change, a cancellation or a refusal: required, recorded,
 * and never blank (whitespace alone is no reason).
 */
export const reasonSchema = z
  .string()
  .max(MAX_REASON_LENGTH)
  .refine((text) => text.trim().length > 0, { message: 'expected a reason: it is empty or only whitespace' });
/** See {@link reasonSchema}. */
export type Reason = z.infer<typeof reasonSchema>;

/** True when `text` is a usable reason (not blank, not too long). */
export const isReason = (text: unknown): text is Reason => reasonSchema.safeParse(text).success;
