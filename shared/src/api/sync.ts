import { z } from 'zod';
import { millisSchema, sha256HexSchema } from '../domain/primitives';
import type { SyncRefusalCode } from '../sync/protocol';
import { syncRowSchema } from '../sync/rows';

/**
 * The answers of the replication endpoints. Their requests are in shared/src/sync/protocol.ts
 * (`pushRequestSchema`, `pullQuerySchema`, …), beside the rules they carry.
 */

/**
 * A refusal's code: one of {@link SyncRefusalCode}, checked as a string so that a client still
 * reads a newer server's refusal (and shows its message).
 */
const refusalCode = z.string().min(1) as unknown as z.ZodType<SyncRefusalCode>;

/** The answer for one pushed row, in the order pushed. */
export const pushResultSchema = z.discriminatedUnion('status', [
  z.object({ id: z.string(), status: z.literal('accepted') }),
  z.object({ id: z.string(), status: z.literal('duplicate'), stored: syncRowSchema.optional() }),
  z.object({ id: z.string(), status: z.literal('refused'), code: refusalCode, message: z.string() }),
]);
/**
 * The server's clock when it answered (ms since the epoch), on every push and pull answer: the app
 * dates the rows it makes by its own clock corrected by this (`ServerClock` in app/src/store), so
 * a site tablet whose clock runs fast is not refused `future_time`. Optional for an app reading a
 * server from before it (it then keeps the correction it has).
 */
const serverTime = millisSchema.optional().describe("The server's clock when it answered (ms since the epoch)");

export const pushResponseSchema = z.object({ results: z.array(pushResultSchema), serverTime });

export const pullResponseSchema = z.object({
  rows: z.array(syncRowSchema),
  checkpoint: z.string(),
  left: z.array(z.string()),
  remaining: z.number().nonnegative(),
  more: z.boolean(),
  /** See `PullResponse.scope`. */
  scope: z.union([z.array(z.string()), z.literal('all')]).optional(),
  /** See `PullResponse.scopeRef`. */
  scopeRef: z.string().optional(),
  serverTime,
});

export const blobParamsSchema = z.strictObject({ sha256: sha256HexSchema });
export const blobChunkParamsSchema = z.strictObject({ sha256: sha256HexSchema, index: z.coerce.number().int().min(0).max(1_000_000) });
export const blobStatusSchema = z.object({
  sha256: sha256HexSchema,
  size: z.int().nonnegative(),
  chunks: z.int().nonnegative(),
  received: z.array(z.int().nonnegative()),
  complete: z.boolean(),
});
export const blobChunkResponseSchema = z.object({ data: z.string() });
/**
 * `PUT /api/sync/blobs`: one answer per attachment, in the order named: its status, or why it
 * alone was refused (the HTTP status and `{ error, message }` a request of its own would get).
 */
export const blobBatchResponseSchema = z.object({
  results: z.array(z.discriminatedUnion('ok', [
    z.object({ fact: z.string(), ok: z.literal(true), status: blobStatusSchema }),
    z.object({ fact: z.string(), ok: z.literal(false), httpStatus: z.int().min(400).max(499), error: z.string().min(1), message: z.string() }),
  ])),
});
export type BlobBatchResponse = z.infer<typeof blobBatchResponseSchema>;
/** `GET /api/sync/stream` answers server-sent events, not JSON. */
export const eventStreamSchema = z.string().describe('text/event-stream: `ready` once connected, then `changes` hints');
