import { credentialIdParamsSchema, credentialResponseSchema, credentialsResponseSchema, creationOptionsSchema, registerVerifyBodySchema } from '@seal/shared';
import { credentialDocId } from '../../couch/credentialsRepo';
import type { CredentialDoc } from '../../couch/model';
import { loadUnitTree, requireManageOf } from '../../auth/scope';
import { consumeCeremonyChallenge, registrationOptions, verifyRegistration } from '../../auth/webauthn';
import type { SignedIn } from '../../auth/sessions';
import { serialisedOn } from '../../couch/changeJournal';
import type { Api } from '../api';
import { ApiError, notFound } from '../errors';
import { actorOf } from '../recordChange';
import { newPasskey, refuseKnownPasskey } from './newPasskey';
import { credentialView } from '../views';

/** How recent a sign-in adding or revoking a passkey needs. */
export const RECENT_SIGN_IN_MS = 10 * 60_000;

/**
 * A session opened in the last minutes, or `reauth_required`: a session left open on a shared
 * tablet must not let whoever holds it add their own passkey to the account and then revoke the
 * owner's (the account would be theirs for good). The app signs in again, then retries.
 */
function requireRecentSignIn(signedIn: SignedIn, now: number): void {
  if (now - signedIn.session.createdAt > RECENT_SIGN_IN_MS) {
    throw new ApiError(403, 'reauth_required', 'Confirm it is you: sign in again with one of your passkeys to add or revoke a passkey (your sign-in is more than 10 minutes old)');
  }
}

/** A signed-in user's passkeys: add another, list them, revoke a lost one. */
export function passkeyRoutes(api: Api): void {
  const { ctx } = api;

  api.route({
    method: 'GET', url: '/api/auth/passkeys', tag: 'passkeys', auth: 'session',
    summary: 'The signed-in user\'s passkeys (revoked ones included)',
    responses: { 200: credentialsResponseSchema, 401: 'unauthenticated | session_expired' },
  }, async ({ signedIn }) => ({ credentials: (await ctx.repos.credentials.ofUser(signedIn.user.id)).map(credentialView) }));

  api.route({
    method: 'POST', url: '/api/auth/passkeys/options', tag: 'passkeys', auth: 'session', rateLimited: 'ceremonies',
    summary: 'Registration options for another passkey of the signed-in user (existing ones excluded)',
    responses: { 200: creationOptionsSchema, 401: 'unauthenticated | session_expired', 403: 'reauth_required', 429: 'rate_limited' },
  }, async ({ signedIn }) => {
    requireRecentSignIn(signedIn, ctx.now());
    const existing = (await ctx.repos.credentials.ofUser(signedIn.user.id)).filter((c) => c.revokedAt === undefined);
    return registrationOptions(ctx, signedIn.user, existing, { purpose: 'add-passkey', userId: signedIn.user.id });
  });

  api.route({
    method: 'POST', url: '/api/auth/passkeys/verify', tag: 'passkeys', auth: 'session', rateLimited: 'ceremonies', body: registerVerifyBodySchema,
    summary: 'Register another passkey for the signed-in user',
    responses: { 201: credentialResponseSchema, 400: 'challenge or registration refused', 401: 'unauthenticated | session_expired', 409: 'credential_exists', 429: 'rate_limited' },
  }, async ({ body, signedIn, reply }) => {
    // No recency check here: the challenge was issued under a recent sign-in (options) and lives
    // minutes; creating a passkey on a phone by QR may take them.
    const { clientData, challenge } = await consumeCeremonyChallenge(ctx, body.response.response.clientDataJSON, 'webauthn.create', ['add-passkey']);
    if (challenge.userId !== signedIn.user.id) {
      throw new ApiError(400, 'challenge_mismatch', 'This challenge was issued to another user\'s session');
    }
    const registered = await verifyRegistration(ctx, body.response, clientData.challenge);
    const count = (await ctx.repos.credentials.ofUser(signedIn.user.id)).length;
    const credential = newPasskey(registered, signedIn.user.id, body.label, count + 1, ctx.now(), false);
    await ctx.changes.commit(async (tx) => {
      // A revocation counting this passkey conflicts with it being undone (see serialisedOn).
      const passkeysGuard = await serialisedOn(tx, `passkeys:${signedIn.user.id}`);
      await refuseKnownPasskey(tx, credential);
      tx.write('credentials', credentialDocId(credential.id), credential);
      passkeysGuard();
      return {
        result: undefined,
        audit: [{ actor: actorOf(signedIn), action: 'credential.register', target: { kind: 'credential', id: credential.id }, unitId: signedIn.user.unitId, after: credentialView(credential) }],
        roster: true,
      };
    });
    reply.status(201);
    return { credential: credentialView(credential) };
  });

  api.route({
    method: 'POST', url: '/api/credentials/:id/revoke', tag: 'passkeys', auth: 'session', params: credentialIdParamsSchema,
    summary: 'Revoke a passkey (your own, or as an admin over its owner\'s unit); ends the sessions it opened',
    responses: {
      200: credentialResponseSchema, 401: 'unauthenticated | session_expired', 403: 'forbidden | out_of_scope | reauth_required',
      404: 'no such passkey', 409: 'last_passkey (your only active passkey)',
    },
  }, async ({ params, signedIn }) => {
    const credential = await ctx.repos.credentials.get(params.id);
    if (!credential) throw notFound(`Passkey "${params.id}"`);
    const owner = await ctx.repos.users.get(credential.userId);
    if (!owner) throw notFound(`The owner of passkey "${params.id}"`);
    const own = owner.id === signedIn.user.id;
    if (!own) requireManageOf(signedIn.user, owner, await loadUnitTree(ctx.repos.units));
    if (credential.revokedAt !== undefined) {
      // Asked again: any session of it still open (the first revocation's end of its sessions
      // failed part way) is ended now. Each request refuses such a session already (its passkey
      // is read beside it); this ends it in the store too.
      await ctx.repos.sessions.revokeWhere({ credentialId: credential.id }, ctx.now());
      return { credential: credentialView(credential) };
    }
    requireRecentSignIn(signedIn, ctx.now());
    if (own) {
      const active = (await ctx.repos.credentials.ofUser(owner.id)).filter((c) => c.revokedAt === undefined);
      if (active.length <= 1) throw new ApiError(409, 'last_passkey', 'This is your only passkey: add another before revoking it, or ask an administrator');
    }
    const now = ctx.now();
    const after = await ctx.changes.commit(async (tx) => {
      // Two of one's own passkeys revoked at once: the later one counts the earlier's revocation.
      const lastPasskeyGuard = own ? await serialisedOn(tx, `passkeys:${owner.id}`) : undefined;
      const current = await tx.read<CredentialDoc>('credentials', credentialDocId(credential.id));
      if (!current) throw notFound(`Passkey "${params.id}"`);
      if (current.revokedAt !== undefined) return { result: current, audit: [] };
      if (own && (await ctx.repos.credentials.ofUser(owner.id)).filter((c) => c.revokedAt === undefined && c.id !== credential.id).length === 0) {
        throw new ApiError(409, 'last_passkey', 'This is your only passkey: add another before revoking it, or ask an administrator');
      }
      const revoked: CredentialDoc = { ...current, revokedAt: now, revokedBy: signedIn.user.id };
      tx.write('credentials', credentialDocId(credential.id), revoked);
      lastPasskeyGuard?.();
      return {
        result: revoked,
        audit: [{ actor: actorOf(signedIn), action: 'credential.revoke', target: { kind: 'credential', id: credential.id }, unitId: owner.unitId, before: credentialView(current), after: credentialView(revoked) }],
        roster: true,
      };
    });
    // Its sessions end once the revocation stands (each request refuses them from then on, its
    // passkey being read beside its session); if this fails, the revocation asked again ends them.
    await ctx.repos.sessions.revokeWhere({ credentialId: credential.id }, now);
    return { credential: credentialView(after) };
  });
}
