import { z } from 'zod';

/** A record id (1–128 characters of `A-Z a-z 0-9 . _ -`) with its own brand. */
export const recordIdOf = <B extends string>(_brand: B) =>
  z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, { message: 'expected an id of 1–128 characters from A-Z a-z 0-9 . _ -' }).brand<B>();
