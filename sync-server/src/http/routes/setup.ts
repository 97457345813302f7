import { randomBytes } from 'node:crypto';
import {
  creationOptionsSchema, registerVerifyBodySchema, setupOptionsBodySchema, setupStateResponseSchema, setupVerifyResponseSchema,
} from '@seal/shared';
import { credentialDocId } from '../../couch/credentialsRepo';
import type { SetupDoc, UnitDoc, UserDoc } from '../../couch/model';
import { hashOneTimeCode, newId, sameHash } from '../../auth/secrets';
import { startSession } from '../../auth/sessions';
import { consumeCeremonyChallenge, registrationOptions, verifyRegistration } from '../../auth/webauthn';
import type { Api } from '../api';
import { ApiError } from '../errors';
import { credentialView, unitView, userView } from '../views';
import { newPasskey, refuseKnownPasskey } from './newPasskey';

const alreadyDone = (): ApiError => new ApiError(409, 'setup_already_done', 'Setup was already completed: sign in with a passkey, or ask an administrator for an invitation');
const badCode = (): ApiError => new ApiError(403, 'setup_code_invalid', 'This setup code is not valid (it may have been replaced when the server restarted): use the code the server printed last');

/** First start: the holder of the printed setup code registers the first passkey and becomes system admin. */
export function setupRoutes(api: Api): void {
  const { ctx } = api;

  api.route({
    method: 'GET', url: '/api/setup', tag: 'setup', auth: 'public',
    summary: 'Whether first-start setup is still pending',
    responses: { 200: setupStateResponseSchema },
  }, async () => ({ state: (await ctx.repos.meta.getSetup())?.state === 'done' ? 'done' : 'pending' }));

  api.route({
    method: 'POST', url: '/api/setup/options', tag: 'setup', auth: 'public', rateLimited: 'codes', body: setupOptionsBodySchema,
    summary: 'Check the setup code and get passkey registration options for the first administrator',
    responses: { 200: creationOptionsSchema, 403: 'setup_code_invalid', 409: 'setup_already_done', 429: 'rate_limited' },
  }, async ({ body }) => {
    const setup = await ctx.repos.meta.getSetup();
    if (setup?.state === 'done') throw alreadyDone();
    const codeHash = hashOneTimeCode(body.setupCode);
    if (!setup || !codeHash || !sameHash(codeHash, setup.codeHash)) throw badCode();
    const webauthnUserId = randomBytes(16).toString('base64url');
    return registrationOptions(ctx, { name: body.adminName, webauthnUserId }, [], {
      purpose: 'setup', userId: newId('usr'), webauthnUserId, displayName: body.adminName,
      setupCodeHash: codeHash, rootUnitName: body.organisationName,
    });
  });

  api.route({
    method: 'POST', url: '/api/setup/verify', tag: 'setup', auth: 'public', rateLimited: 'ceremonies', body: registerVerifyBodySchema,
    summary: 'Register the first passkey: creates the HQ unit and the system administrator, and signs them in',
    responses: { 201: setupVerifyResponseSchema.describe('The administrator, the HQ unit and the passkey; a session cookie is set'), 400: 'challenge or registration refused', 401: 'revoked_credential | unknown_credential (the passkey was revoked as the session opened)', 403: 'setup_code_invalid | user_deactivated (deactivated as the session opened)', 409: 'setup_already_done', 429: 'rate_limited' },
  }, async ({ body, reply }) => {
    const { clientData, challenge } = await consumeCeremonyChallenge(ctx, body.response.response.clientDataJSON, 'webauthn.create', ['setup']);
    if ((await ctx.repos.meta.getSetup())?.state === 'done') throw alreadyDone();
    const registered = await verifyRegistration(ctx, body.response, clientData.challenge);
    const now = ctx.now();
    const userId = challenge.userId!;
    const rootUnitId = newId('unit');
    const unit: UnitDoc = { type: 'unit', id: rootUnitId, name: challenge.rootUnitName!, kind: 'hq', parentId: null, createdAt: now, updatedAt: now };
    const user: UserDoc = {
      type: 'user', id: userId, name: challenge.displayName!, unitId: rootUnitId,
      grants: [{ role: 'admin', unitId: rootUnitId } as UserDoc['grants'][number]],
      active: true, webauthnUserId: challenge.webauthnUserId!, createdAt: now,
    };
    // Registering signs the administrator in: this is the passkey's first use.
    const credential = newPasskey(registered, userId, body.label, 1, now, true);
    const actor = { userId, credentialId: credential.id };
    // The claim of the setup (one winner across concurrent requests and servers, by the store's
    // revision check), the HQ unit, the administrator, their passkey and the audit records are
    // written together, or not at all (see ChangeJournal).
    await ctx.changes.commit(async (tx) => {
      const setup = await tx.read<SetupDoc>('meta', 'setup');
      if (setup?.state === 'done') throw alreadyDone();
      if (!setup || setup.codeHash !== challenge.setupCodeHash) throw badCode();
      await refuseKnownPasskey(tx, credential);
      tx.write('meta', 'setup', { ...setup, adminUserId: userId, rootUnitId, state: 'done', doneAt: now } satisfies SetupDoc);
      tx.write('units', unit.id, unit);
      tx.write('users', user.id, user);
      tx.write('credentials', credentialDocId(credential.id), credential);
      return {
        result: undefined,
        audit: [
          { actor, action: 'setup.complete', target: { kind: 'unit', id: rootUnitId }, unitId: rootUnitId, after: unitView(unit) },
          { actor, action: 'user.create', target: { kind: 'user', id: userId }, unitId: rootUnitId, after: userView(user) },
          { actor, action: 'credential.register', target: { kind: 'credential', id: credential.id }, unitId: rootUnitId, after: credentialView(credential) },
        ],
        roster: true,
      };
    });
    await startSession(ctx, reply, userId, credential.id);
    reply.status(201);
    return { user: userView(user), unit: unitView(unit), credential: credentialView(credential) };
  });
}
