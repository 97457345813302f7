import { z } from 'zod';
import { geofenceSchema } from './geo';
import { requestIdSchema, sealIdSchema, unitIdSchema, userIdSchema } from './ids';
import { millisSchema, sha256HexSchema } from './primitives';

/** The most uses one request may ask for. */
export const MAX_USES_PER_REQUEST = 1000;

/** A time window, both ends included: valid from `notBefore` through `notAfter`. */
export const timeWindowSchema = z
  .strictObject({ notBefore: millisSchema, notAfter: millisSchema })
  .refine((w) => w.notBefore < w.notAfter, { message: 'expected notBefore to be earlier than notAfter' });
export type TimeWindow = z.infer<typeof timeWindowSchema>;

/** Whether `at` lies in the window (both ends included). */
export const isWithinWindow = (at: number, window: TimeWindow): boolean => at >= window.notBefore && at <= window.notAfter;

/** The document to be stamped: its title, the SHA-256 of its file (lowercase hex), its pages. */
export const requestDocumentSchema = z.strictObject({
  title: z.string().min(1).max(500),
  sha256: sha256HexSchema,
  pages: z.int().positive(),
});
export type RequestDocument = z.infer<typeof requestDocumentSchema>;

/** Where the seal will be used: a unit and, optionally, a geofence the device enforces. */
export const usePlaceSchema = z.strictObject({ unitId: unitIdSchema, geofence: geofenceSchema.optional() });
export type UsePlace = z.infer<typeof usePlaceSchema>;

/**
 * A use request (用印申请): who asks to use which seal on which document, how many times, when
 * and where. Approvers sign these terms (see `decisionPayload`); its status is never stored but
 * derived from the facts about it (see `deriveRequestStatus`).
 */
export const useRequestSchema = z.strictObject({
  id: requestIdSchema,
  requesterId: userIdSchema,
  /** The requester's unit (usually a site). */
  unitId: unitIdSchema,
  sealId: sealIdSchema,
  document: requestDocumentSchema,
  copies: z.int().positive().max(MAX_USES_PER_REQUEST),
  purpose: z.string().min(1).max(2000),
  /** How many impressions the device may make under this request. */
  usesRequested: z.int().positive().max(MAX_USES_PER_REQUEST),
  window: timeWindowSchema,
  place: usePlaceSchema,
  createdAt: millisSchema,
});
export type UseRequest = z.infer<typeof useRequestSchema>;

/**
 * What approvers read of a request but do not sign (see `decisionTerms`): its document's title and
 * pages, the copies and the purpose. Once anyone has decided on the request these stay as they
 * read them (`requestEditAfterDecision`): the signed terms may still change, which leaves every
 * approval stale and asks the approvers again, but an approval must never come to stand for a
 * purpose nobody approved.
 */
const describedAs = (request: Partial<UseRequest>) => ({ title: request.document?.title, pages: request.document?.pages, copies: request.copies, purpose: request.purpose });

/**
 * Why an edit of a request may not be made now that someone decided on it, or `undefined` when it
 * may: the parts approvers read but do not sign are as they read them (see {@link describedAs}).
 */
export function requestEditAfterDecision(before: Partial<UseRequest>, after: Partial<UseRequest>): string | undefined {
  const was = describedAs(before);
  const now = describedAs(after);
  const changed = (Object.keys(was) as (keyof typeof was)[]).filter((field) => was[field] !== now[field]);
  return changed.length === 0 ? undefined : `expected the ${changed.join(', ')} of request "${String(after.id)}" to stay as its approvers read them, got changed after a decision: file a new request`;
}
