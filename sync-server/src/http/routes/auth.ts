import { loginVerifyBodySchema, loginVerifyResponseSchema, noContentSchema, requestOptionsSchema, sessionResponseSchema } from '@seal/shared';
import { endSession, hasSessionCookie, readSession, startSession } from '../../auth/sessions';
import { authenticationOptions, consumeCeremonyChallenge, verifyLoginAssertion } from '../../auth/webauthn';
import type { Api } from '../api';
import { ApiError } from '../errors';
import { recordChange } from '../recordChange';
import { userView } from '../views';

/** Sign-in with a discoverable passkey, the current session, sign-out. */
export function authRoutes(api: Api): void {
  const { ctx } = api;

  api.route({
    method: 'POST', url: '/api/auth/login/options', tag: 'auth', auth: 'public', rateLimited: 'ceremonies',
    summary: 'Get sign-in options: a fresh challenge, empty allowCredentials (discoverable passkeys), UV required',
    responses: { 200: requestOptionsSchema, 429: 'rate_limited' },
  }, async () => authenticationOptions(ctx));

  api.route({
    method: 'POST', url: '/api/auth/login/verify', tag: 'auth', auth: 'public', rateLimited: 'ceremonies', body: loginVerifyBodySchema,
    summary: 'Verify a sign-in assertion and open a session (httpOnly, SameSite=Strict cookie)',
    responses: {
      200: loginVerifyResponseSchema.describe('The user and when the session ends; a session cookie is set'),
      400: 'challenge_unknown | challenge_used | challenge_expired | challenge_mismatch | origin_mismatch | wrong_type | malformed_client_data',
      401: 'unknown_credential | revoked_credential | user_handle_mismatch | assertion_refused | counter_regressed',
      403: 'user_deactivated (also when deactivated as the session opened)',
      429: 'rate_limited',
    },
  }, async ({ body, reply }) => {
    const { response } = body;
    const { clientData } = await consumeCeremonyChallenge(ctx, response.response.clientDataJSON, 'webauthn.get', ['login']);
    const credential = await ctx.repos.credentials.get(response.id);
    if (!credential) throw new ApiError(401, 'unknown_credential', `Passkey "${response.id}" is not registered here`);
    if (credential.revokedAt !== undefined) throw new ApiError(401, 'revoked_credential', `Passkey "${response.id}" was revoked at ${new Date(credential.revokedAt).toISOString()}`);
    const user = await ctx.repos.users.get(credential.userId);
    if (!user?.active) throw new ApiError(403, 'user_deactivated', 'This account is deactivated: ask an administrator');
    if (response.response.userHandle !== undefined && response.response.userHandle !== user.webauthnUserId) {
      throw new ApiError(401, 'user_handle_mismatch', 'The passkey returned a user handle that is not its owner\'s');
    }
    const { newCounter } = await verifyLoginAssertion(ctx, response, clientData.challenge, credential);
    const now = ctx.now();
    let storedCounter = 0;
    await ctx.repos.credentials.update(credential.id, (c) => {
      storedCounter = c.counter;
      // A counter that does not grow, from an authenticator that counts, means two copies of the
      // key exist (a cloned authenticator). Checked inside the write so concurrent sign-ins race safely.
      if ((newCounter > 0 || c.counter > 0) && newCounter <= c.counter) return undefined;
      return { ...c, counter: newCounter, lastUsedAt: now };
    });
    if ((newCounter > 0 || storedCounter > 0) && newCounter <= storedCounter) {
      await recordChange(ctx, {
        actor: { system: true }, action: 'credential.counter_regressed', target: { kind: 'credential', id: credential.id },
        unitId: user.unitId, before: { counter: storedCounter }, after: { counter: newCounter },
      });
      throw new ApiError(401, 'counter_regressed', `Passkey "${credential.id}" reported sign counter ${newCounter}, expected more than ${storedCounter}: it may have been cloned; sign-in refused and recorded`);
    }
    const session = await startSession(ctx, reply, user.id, credential.id);
    return { user: userView(user), expiresAt: session.expiresAt };
  });

  api.route({
    method: 'GET', url: '/api/auth/session', tag: 'auth', auth: 'public',
    summary: 'Who is signed in, with which passkey, until when. A visitor who sends no session cookie is simply signed out (200, session null); a cookie that opens no session is 401 session_expired, and is cleared',
    responses: {
      200: sessionResponseSchema.describe('{ session } when signed in; { session: null } when no session cookie was sent'),
      401: 'session_expired (a session cookie was sent but its session expired, was ended or is unknown; the cookie is cleared)',
    },
  }, async ({ request, reply }) => {
    reply.header('cache-control', 'no-store');
    if (!hasSessionCookie(ctx, request)) return { session: null };
    const signedIn = await readSession(ctx, request, reply);
    return {
      session: {
        user: userView(signedIn.user),
        credentialId: signedIn.credentialId,
        expiresAt: signedIn.session.expiresAt,
        idleExpiresAt: signedIn.session.idleExpiresAt,
      },
    };
  });

  api.route({
    method: 'POST', url: '/api/auth/logout', tag: 'auth', auth: 'public',
    summary: 'End the current session (server-side) and clear its cookie',
    responses: { 204: noContentSchema.describe('Signed out') },
  }, async ({ request, reply }) => {
    await endSession(ctx, request, reply);
  });
}
