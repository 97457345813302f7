import { orgKeyResponseSchema, signedRosterResponseSchema } from '@seal/shared';
import type { Api } from '../api';
import { currentSignedRoster } from '../../auth/roster';

/** The signed roster and the organisation public key that verifies it. */
export function rosterRoutes(api: Api): void {
  const { ctx } = api;

  api.route({
    method: 'GET', url: '/api/org-key', tag: 'roster', auth: 'public',
    summary: 'The organisation public key (P-256 JWK) and its key id (RFC 7638 thumbprint)',
    responses: { 200: orgKeyResponseSchema },
  }, () => ({ keyId: ctx.orgKey.keyId, publicJwk: ctx.orgKey.publicJwk }));

  api.route({
    method: 'GET', url: '/api/roster', tag: 'roster', auth: 'session',
    summary: 'The SignedRoster: users, passkey public keys, roles and scopes, revoked passkeys, version; signed by the org key',
    responses: { 200: signedRosterResponseSchema.describe('SignedRoster { roster, signature }'), 401: 'unauthenticated | session_expired' },
  }, async ({ reply }) => {
    reply.header('cache-control', 'no-store');
    return currentSignedRoster(ctx.repos, ctx.config, ctx.orgKey, ctx.now());
  });
}
