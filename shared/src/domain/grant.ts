import { z } from 'zod';
import { canonicalJson } from '../encoding/canonical';
import { refuse, ok, type Refusal, type Result } from '../result';
import { compareText } from './compare';
import { decisionPayload, decisionSchema, type Decision } from './decision';
import { geofenceSchema } from './geo';
import { deviceIdSchema, grantIdSchema, requestIdSchema, sealIdSchema, userIdSchema } from './ids';
import type { Seal } from './seal';
import { timeWindowSchema, type UseRequest } from './useRequest';

/**
 * A grant (授权): what a seal device needs to let one holder stamp — the request's terms bound to
 * one device, with the approving decisions and their passkey assertions, which the device checks
 * offline against the signed roster. Content-addressed (`id` is the `contentId` of the rest) and
 * deterministic: every replica that assembles it from the same decisions gets the same grant.
 *
 * Uses are counted per REQUEST, not per grant (device counter and `deriveRequestStatus` alike), so
 * two grants assembled for one request by two replicas never double its uses.
 */
export const grantSchema = z.strictObject({
  id: grantIdSchema,
  requestId: requestIdSchema,
  sealId: sealIdSchema,
  deviceId: deviceIdSchema,
  holderId: userIdSchema,
  uses: z.int().positive(),
  window: timeWindowSchema,
  geofence: geofenceSchema.optional(),
  /** The approving decisions, sorted by id. */
  decisions: z.array(decisionSchema).min(1),
});
export type Grant = z.infer<typeof grantSchema>;

/** A grant before its content address is added (see `withContentId`). */
export type GrantBody = Omit<Grant, 'id'>;

/** Why a grant could not be assembled. */
export type GrantRefusalCode = 'not_physical' | 'seal_not_bound' | 'seal_mismatch' | 'decision_mismatch';

/**
 * Assembles the body of a grant for an approved request. It checks that the seal is the request's,
 * is physical and bound to a device, and that every decision approves exactly this request's
 * terms; it does NOT judge the approvers' authority — pass the decisions `checkApprovals`
 * counted. The holder is the requester: whoever asked is who stamps.
 */
export function grantBody(request: UseRequest, seal: Seal, approvingDecisions: readonly Decision[]): Result<GrantBody, Refusal<GrantRefusalCode>> {
  if (seal.id !== request.sealId) return refuse('seal_mismatch', `expected the request's seal "${request.sealId}", got "${seal.id}"`);
  if (seal.form !== 'physical') return refuse('not_physical', `expected a physical seal for a device grant, got the electronic seal "${seal.id}"`);
  if (seal.deviceId === null) return refuse('seal_not_bound', `expected seal "${seal.id}" to be bound to a device, got none`);
  const expected = canonicalJson(decisionPayload(request, 'approve'));
  const stray = approvingDecisions.find((decision) => canonicalJson(decision.payload) !== expected);
  if (stray !== undefined) return refuse('decision_mismatch', `expected decisions approving request "${request.id}" as it stands, got decision "${stray.id}" (${stray.payload.verdict}) over other terms`);
  if (approvingDecisions.length === 0) return refuse('decision_mismatch', `expected at least one approving decision for request "${request.id}", got none`);
  const decisions = [...new Map(approvingDecisions.map((d) => [d.id, d])).values()].sort((a, b) => compareText(a.id, b.id));
  const body: GrantBody = {
    requestId: request.id,
    sealId: seal.id,
    deviceId: seal.deviceId,
    holderId: request.requesterId,
    uses: request.usesRequested,
    window: { ...request.window },
    decisions,
  };
  return ok(request.place.geofence === undefined ? body : { ...body, geofence: { ...request.place.geofence } });
}
