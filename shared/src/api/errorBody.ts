import { z } from 'zod';

/**
 * Every refusal the sync-server answers with: `{ error, message }`, `error` one of
 * {@link ApiErrorCode} (a string here, so that a client reading a newer server's code still
 * shows its message), `message` a sentence saying what arrived and what was expected.
 */
export const apiErrorBodySchema = z
  .object({ error: z.string().min(1), message: z.string() })
  .meta({ description: 'A refusal: `error` is a code (shared/src/api/errorCodes.ts), `message` says why' });
export type ApiErrorBody = z.infer<typeof apiErrorBodySchema>;
