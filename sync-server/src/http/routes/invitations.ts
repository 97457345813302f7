import { randomBytes } from 'node:crypto';
import {
  ancestors, checkInvitationRoles, createInvitationBodySchema, createInvitationResponseSchema, creationOptionsSchema,
  invitationCodeBodySchema, invitationIdParamsSchema, invitationPreviewSchema, invitationResponseSchema, invitationsResponseSchema,
  registerOptionsBodySchema, registerVerifyBodySchema, registerVerifyResponseSchema, type UnitId,
} from '@seal/shared';
import { credentialDocId } from '../../couch/credentialsRepo';
import type { InvitationDoc, UserDoc } from '../../couch/model';
import type { Invitation } from '../../couch/invitationsRepo';
import { hashOneTimeCode, hashSecret, newId, newOneTimeCode, normaliseOneTimeCode } from '../../auth/secrets';
import { asPolicyUser, holdsRoleOn, loadUnitTree, requireAnyRole, requirePermission, isClosed, type UnitTree } from '../../auth/scope';
import { startSession } from '../../auth/sessions';
import { consumeCeremonyChallenge, registrationOptions, verifyRegistration } from '../../auth/webauthn';
import type { Api, ServerContext } from '../api';
import { ApiError, notFound } from '../errors';
import { actorOf } from '../recordChange';
import { credentialView, invitationView, userView } from '../views';
import { newPasskey, refuseKnownPasskey } from './newPasskey';


/** Why an invitation cannot be used now, or `undefined` if it can. */
function invitationRefusal(invitation: InvitationDoc, now: number): ApiError | undefined {
  if (invitation.revokedAt !== undefined) return new ApiError(410, 'invitation_revoked', 'This invitation was withdrawn: ask for a new one');
  if (invitation.usedAt !== undefined) return new ApiError(409, 'invitation_used', 'This invitation was already used: each code registers one person once');
  if (invitation.expiresAt <= now) return new ApiError(410, 'invitation_expired', `This invitation expired at ${new Date(invitation.expiresAt).toISOString()}: ask for a new one`);
  return undefined;
}

/**
 * An invitation is only as good as its maker's authority now: one made by an administrator since
 * deactivated, or who no longer may invite to that unit with those roles (a role taken back, the
 * unit moved out of their reach), or to a unit since closed, no longer stands. Why, or `undefined`.
 */
function makerGone(maker: UserDoc | undefined, invitation: InvitationDoc, tree: UnitTree): string | undefined {
  if (!maker?.active) return 'the administrator who made it was deactivated';
  if (isClosed(tree, invitation.unitId)) return 'its unit was closed';
  if (!checkInvitationRoles(asPolicyUser(maker), invitation.unitId as UnitId, invitation.roles, tree).ok) return 'the administrator who made it may no longer invite to that unit with those roles';
  return undefined;
}

/** {@link makerGone} as a refusal: 410 `invitation_revoked`, as a withdrawn one. */
async function makerRefusal(ctx: ServerContext, invitation: InvitationDoc): Promise<ApiError | undefined> {
  const [maker, tree] = await Promise.all([ctx.repos.users.get(invitation.createdBy), loadUnitTree(ctx.repos.units)]);
  const why = makerGone(maker, invitation, tree);
  return why === undefined ? undefined : new ApiError(410, 'invitation_revoked', `This invitation no longer stands: ${why}. Ask for a new one`);
}

/** A code that opens no invitation: 403, like a wrong setup code (see errors.ts). */
const invalidCode = (message: string): ApiError => new ApiError(403, 'invitation_invalid', message);

async function findByCode(ctx: ServerContext, code: string): Promise<Invitation> {
  const hash = normaliseOneTimeCode(code) === undefined ? undefined : hashOneTimeCode(code);
  const invitation = hash === undefined ? undefined : await ctx.repos.invitations.get(hash);
  if (!invitation) throw invalidCode('No invitation has this code: check it, or ask for a new one');
  const refusal = invitationRefusal(invitation, ctx.now()) ?? (await makerRefusal(ctx, invitation));
  if (refusal) throw refusal;
  return invitation;
}

/** Invitations: admins issue single-use codes; invitees register their first passkey with one. */
export function invitationRoutes(api: Api): void {
  issuingRoutes(api);
  redeemingRoutes(api);
}

/** An administrator's side: invite, list, withdraw. */
function issuingRoutes(api: Api): void {
  const { ctx } = api;

  api.route({
    method: 'POST', url: '/api/invitations', tag: 'invitations', auth: 'session', body: createInvitationBodySchema,
    summary: 'Invite a person to a unit with roles (admins, within their subtree); the code is shown once',
    responses: { 201: createInvitationResponseSchema, 400: 'invalid_body | unit_invalid', 401: 'unauthenticated', 403: 'forbidden | out_of_scope | incompatible_roles', 409: 'unit_closed' },
  }, async ({ body, signedIn, reply }) => {
    const tree = await loadUnitTree(ctx.repos.units);
    requireAnyRole(signedIn.user, ['admin'], 'invite people');
    if (!tree.has(body.unitId as never)) throw new ApiError(400, 'unit_invalid', `Unit "${body.unitId}" does not exist`);
    if (isClosed(tree, body.unitId)) throw new ApiError(409, 'unit_closed', `Unit "${body.unitId}" is closed: nobody new joins it`);
    // The same rule as a role grant: in scope, and roles one person may hold together.
    const allowed = checkInvitationRoles(asPolicyUser(signedIn.user), body.unitId as UnitId, body.roles, tree);
    if (!allowed.ok) {
      const { code, message } = allowed.error;
      throw new ApiError(403, code === 'out_of_scope' || code === 'incompatible_roles' ? code : 'forbidden', message);
    }
    const code = newOneTimeCode();
    const now = ctx.now();
    const invitation: InvitationDoc = {
      type: 'invitation', unitId: body.unitId, roles: body.roles, note: body.note, createdBy: signedIn.user.id, createdAt: now,
      expiresAt: now + (body.ttlHours !== undefined ? body.ttlHours * 3_600_000 : ctx.config.invitationTtlMs),
    };
    const id = hashSecret(normaliseOneTimeCode(code)!);
    const view = invitationView({ ...invitation, id }, now);
    await ctx.changes.commit((tx) => {
      tx.write('invitations', id, invitation);
      return { result: undefined, audit: [{ actor: actorOf(signedIn), action: 'invitation.create', target: { kind: 'invitation', id }, unitId: body.unitId, after: view }] };
    });
    reply.status(201);
    return { invitation: view, code };
  });

  api.route({
    method: 'GET', url: '/api/invitations', tag: 'invitations', auth: 'session',
    summary: 'Invitations to units within the admin\'s subtrees',
    responses: { 200: invitationsResponseSchema, 401: 'unauthenticated', 403: 'forbidden' },
  }, async ({ signedIn }) => {
    requireAnyRole(signedIn.user, ['admin'], 'see invitations');
    const tree = await loadUnitTree(ctx.repos.units);
    const now = ctx.now();
    const [all, users] = await Promise.all([ctx.repos.invitations.list(), ctx.repos.users.list()]);
    const byId = new Map(users.map((u) => [u.id, u]));
    const visible = all.filter((i) => holdsRoleOn(signedIn.user, ['admin'], i.unitId, tree));
    // One whose maker no longer stands is shown as withdrawn: that is how it is refused.
    const shown = (i: Invitation) => {
      const view = invitationView(i, now);
      return view.state === 'open' && makerGone(byId.get(i.createdBy), i, tree) !== undefined ? { ...view, state: 'revoked' as const } : view;
    };
    return { invitations: visible.sort((a, b) => b.createdAt - a.createdAt).map(shown) };
  });

  api.route({
    method: 'POST', url: '/api/invitations/:id/revoke', tag: 'invitations', auth: 'session', params: invitationIdParamsSchema,
    summary: 'Withdraw an unused invitation',
    responses: { 200: invitationResponseSchema, 401: 'unauthenticated', 403: 'forbidden | out_of_scope', 404: 'not_found', 409: 'invitation_used' },
  }, async ({ params, signedIn }) => {
    const invitation = await ctx.repos.invitations.get(params.id);
    if (!invitation) throw notFound(`Invitation "${params.id}"`);
    requirePermission(signedIn.user, 'user.invite', { unitId: invitation.unitId }, await loadUnitTree(ctx.repos.units));
    const now = ctx.now();
    const after = await ctx.changes.commit(async (tx) => {
      const current = await tx.read<InvitationDoc>('invitations', params.id);
      if (!current) throw notFound(`Invitation "${params.id}"`);
      if (current.usedAt !== undefined) throw new ApiError(409, 'invitation_used', 'This invitation was already used; deactivate the user instead');
      if (current.revokedAt !== undefined) return { result: invitationView({ ...current, id: params.id }, now), audit: [] };
      const revoked: InvitationDoc = { ...current, revokedAt: now };
      const view = invitationView({ ...revoked, id: params.id }, now);
      tx.write('invitations', params.id, revoked);
      return { result: view, audit: [{ actor: actorOf(signedIn), action: 'invitation.revoke', target: { kind: 'invitation', id: params.id }, unitId: invitation.unitId, before: invitationView({ ...current, id: params.id }, now), after: view }] };
    });
    return { invitation: after };
  });

}

/** The invitee's side: what a code is for, then registering a first passkey with it. */
function redeemingRoutes(api: Api): void {
  const { ctx } = api;

  api.route({
    method: 'POST', url: '/api/invitations/check', tag: 'invitations', auth: 'public', rateLimited: 'codes', body: invitationCodeBodySchema,
    summary: 'What an invitation code is for (the unit, where it sits in the organisation, and the roles), before registering',
    responses: {
      200: invitationPreviewSchema.describe('The unit (with `path`, the names from HQ down to it), the roles, the expiry'),
      403: 'invitation_invalid', 409: 'invitation_used', 410: 'invitation_expired | invitation_revoked', 429: 'rate_limited',
    },
  }, async ({ body }) => {
    const invitation = await findByCode(ctx, body.invitationCode);
    const tree = await loadUnitTree(ctx.repos.units);
    const unit = tree.get(invitation.unitId as UnitId);
    // Units are never deleted, and an invitation is only made to an existing one.
    if (!unit) throw new Error(`invitation to unit "${invitation.unitId}", which does not exist`);
    const path = [...ancestors(unit.id, tree).map((u) => u.name).reverse(), unit.name];
    return { unit: { id: unit.id, name: unit.name, kind: unit.kind, path }, roles: invitation.roles, expiresAt: invitation.expiresAt };
  });

  api.route({
    method: 'POST', url: '/api/auth/register/options', tag: 'invitations', auth: 'public', rateLimited: 'codes', body: registerOptionsBodySchema,
    summary: 'Check an invitation code and get registration options for the invitee\'s first passkey',
    responses: { 200: creationOptionsSchema, 403: 'invitation_invalid', 409: 'invitation_used', 410: 'invitation_expired | invitation_revoked', 429: 'rate_limited' },
  }, async ({ body }) => {
    const invitation = await findByCode(ctx, body.invitationCode);
    const webauthnUserId = randomBytes(16).toString('base64url');
    return registrationOptions(ctx, { name: body.name, webauthnUserId }, [], {
      purpose: 'invitation', invitationId: invitation.id, userId: newId('usr'), webauthnUserId, displayName: body.name,
    });
  });

  api.route({
    method: 'POST', url: '/api/auth/register/verify', tag: 'invitations', auth: 'public', rateLimited: 'ceremonies', body: registerVerifyBodySchema,
    summary: 'Register the invitee\'s passkey: uses up the invitation, creates the user with its roles, signs them in',
    responses: { 201: registerVerifyResponseSchema.describe('The new user and their passkey; a session cookie is set'), 400: 'challenge or registration refused', 401: 'revoked_credential | unknown_credential (the passkey was revoked as the session opened)', 403: 'invitation_invalid | user_deactivated (deactivated as the session opened)', 409: 'invitation_used | credential_exists', 410: 'invitation_expired | invitation_revoked', 429: 'rate_limited' },
  }, async ({ body, reply }) => {
    const { clientData, challenge } = await consumeCeremonyChallenge(ctx, body.response.response.clientDataJSON, 'webauthn.create', ['invitation']);
    const registered = await verifyRegistration(ctx, body.response, clientData.challenge);
    const now = ctx.now();
    const userId = challenge.userId!;
    const invitationId = challenge.invitationId!;
    // Everything is checked first (the invitation still usable, the passkey new); then the
    // claim (single use, decided by the store's revision check), the passkey, the user and their
    // audit records are written together, or not at all (see ChangeJournal).
    const { user, credential } = await ctx.changes.commit(async (tx) => {
      const current = await tx.read<InvitationDoc>('invitations', invitationId);
      if (!current) throw invalidCode('The invitation no longer exists');
      const refusal = invitationRefusal(current, now) ?? (await makerRefusal(ctx, current));
      if (refusal) throw refusal;
      // Registering signs the invitee in: this is the passkey's first use.
      const credential = newPasskey(registered, userId, body.label, 1, now, true);
      await refuseKnownPasskey(tx, credential);
      const user: UserDoc = {
        type: 'user', id: userId, name: challenge.displayName!, unitId: current.unitId,
        grants: current.roles.map((role) => ({ role, unitId: current.unitId }) as UserDoc['grants'][number]),
        active: true, webauthnUserId: challenge.webauthnUserId!, createdAt: now,
      };
      tx.write('invitations', invitationId, { ...current, usedAt: now, usedBy: userId });
      tx.write('credentials', credentialDocId(credential.id), credential);
      tx.write('users', userId, user);
      const actor = { userId, credentialId: credential.id };
      return {
        result: { user, credential },
        audit: [
          { actor, action: 'invitation.use', target: { kind: 'invitation', id: invitationId }, unitId: current.unitId, after: { usedAt: now, usedBy: userId } },
          { actor, action: 'user.create', target: { kind: 'user', id: userId }, unitId: current.unitId, after: userView(user) },
          { actor, action: 'credential.register', target: { kind: 'credential', id: credential.id }, unitId: current.unitId, after: credentialView(credential) },
        ],
        roster: true,
      };
    });
    await startSession(ctx, reply, userId, credential.id);
    reply.status(201);
    return { user: userView(user), credential: credentialView(credential) };
  });
}
