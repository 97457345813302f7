import { z } from 'zod';
import { cancellationIdSchema, requestIdSchema, userIdSchema, type CancellationId, type RequestId, type UserId } from './ids';
import { millisSchema, reasonSchema, type Millis } from './primitives';

/**
 * A request's cancellation (an append-only fact): by the requester, or by an admin in scope.
 * Keyed by origin (see {@link cancellationId}). Several may exist for one request (from several
 * offline replicas); the earliest valid one counts.
 */
export const cancellationSchema = z.strictObject({
  id: cancellationIdSchema,
  requestId: requestIdSchema,
  actorId: userIdSchema,
  reason: reasonSchema,
  at: millisSchema,
});
export type Cancellation = z.infer<typeof cancellationSchema>;

/** The id of a cancellation, keyed by origin: `requestId:cancel:actorId:at`. */
export function cancellationId(requestId: RequestId, actorId: UserId, at: Millis): CancellationId {
  return cancellationIdSchema.parse(`${requestId}:cancel:${actorId}:${at}`);
}
