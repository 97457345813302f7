import { z } from 'zod';

/**
 * A record id from a client (path or body): the domain's id alphabet (A-Z a-z 0-9 . _ -), at most
 * 128 characters, and never starting with `_` or `.`, so it can never name a CouchDB endpoint.
 */
export const recordIdParamSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, { message: 'expected an id: 1–128 characters of A-Z a-z 0-9 . _ -, starting with a letter or digit' });

/** `{ id }` path parameters naming a record. */
export const idParamsSchema = z.strictObject({ id: recordIdParamSchema });
