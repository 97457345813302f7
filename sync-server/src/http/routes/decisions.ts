import { verifyAssertionWithRoster, verifyDecisionBodySchema, verifyDecisionResponseSchema } from '@seal/shared';
import { buildRoster } from '../../auth/roster';
import { loadUnitTree, permission } from '../../auth/scope';
import type { Api } from '../api';
import { ApiError } from '../errors';
import { userView } from '../views';

/**
 * `POST /api/decisions/verify`: checks an approver's passkey-signed decision against the current
 * roster with the same offline verifier the app and the seal device use, then checks the signer's
 * authority (approver on a unit covering the request's place) with the domain policy.
 */
export function decisionRoutes(api: Api): void {
  const { ctx } = api;

  api.route({
    method: 'POST', url: '/api/decisions/verify', tag: 'decisions', auth: 'session', body: verifyDecisionBodySchema,
    summary: 'Verify a signed decision: challenge = hashRecord(payload); origin, rpId, UV, known and unrevoked passkey; signer is an approver over payload.place.unitId',
    responses: {
      200: verifyDecisionResponseSchema,
      400: 'invalid_body',
      401: 'unauthenticated',
      422: 'the assertion is refused (code from the verifier: challenge_mismatch, origin_mismatch, rp_id_mismatch, user_not_verified, unknown_credential, revoked_credential, bad_signature…) or the signer lacks authority (signer_not_permitted, signer_out_of_scope, self_decision)',
    },
  }, async ({ body }) => {
    const roster = await buildRoster(ctx.repos, ctx.config, ctx.orgKey, ctx.now());
    const verified = await verifyAssertionWithRoster({ assertion: body.assertion, expected: { record: body.payload } }, roster);
    if (!verified.ok) throw new ApiError(422, verified.error.code, verified.error.message);
    const signer = await ctx.repos.users.get(verified.value.userId);
    if (!signer) throw new ApiError(422, 'unknown_credential', `The signer "${verified.value.userId}" is not a user here`);
    const tree = await loadUnitTree(ctx.repos.units);
    const unitId = body.payload.place.unitId;
    // The payload names the requester (signed), so deciding one's own request is always caught.
    const outcome = permission(signer, 'request.decide', { unitId, requesterId: body.payload.requesterId }, tree);
    if (!outcome.ok) {
      const { code, message } = outcome.error;
      throw new ApiError(422, code === 'out_of_scope' ? 'signer_out_of_scope' : code === 'self_decision' ? 'self_decision' : 'signer_not_permitted', message);
    }
    const permit = outcome.value;
    return {
      verified: true,
      signer: { user: userView(signer), credentialId: verified.value.credentialId, permit },
      verdict: body.payload.verdict,
      rosterVersion: roster.version,
    };
  });
}
