import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context';
import { ApiError } from '../http/errors';
import type { SessionDoc, UserDoc } from '../couch/model';
import { hashSecret, newSessionToken } from './secrets';

/** Who is signed in, for the handler of a `session` route. */
export interface SignedIn {
  readonly user: UserDoc;
  readonly session: SessionDoc;
  /** The passkey this session was opened with. */
  readonly credentialId: string;
  /** The store key of the session (hash of the cookie token). */
  readonly sessionId: string;
}

/** Sessions move their idle deadline at most this often, to spare the store a write per request. */
const TOUCH_EVERY_MS = 60_000;

/** Whether cookies must be `Secure`: when the canonical origin is https. */
const cookieIsSecure = (ctx: Pick<ServerContext, 'config'>): boolean => ctx.config.origins[0]!.startsWith('https:');

/** `__Host-` (Secure, Path=/, no Domain: the browser enforces all three) when served over https. */
const sessionCookieName = (ctx: Pick<ServerContext, 'config'>): string =>
  cookieIsSecure(ctx) ? '__Host-sealctl_session' : 'sealctl_session';

/**
 * Opens a session for a user who just proved a passkey, and sets its cookie. The passkey and the
 * user are read again once the session is stored: a revocation or a deactivation that landed
 * after the caller's checks ended their sessions before this one existed, so this one is ended
 * here (401 `revoked_credential` or 403 `user_deactivated`, no cookie). Either those reads see it,
 * or the session was stored before it and its end of the sessions finds this one too (and
 * `lookUpSession` refuses a revoked passkey's or an inactive user's session whatever happens).
 */
export async function startSession(ctx: ServerContext, reply: FastifyReply, userId: string, credentialId: string): Promise<SessionDoc> {
  const token = newSessionToken();
  const now = ctx.now();
  const session: SessionDoc = {
    type: 'session',
    userId,
    credentialId,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: now + ctx.config.sessionMaxMs,
    idleExpiresAt: Math.min(now + ctx.config.sessionIdleMs, now + ctx.config.sessionMaxMs),
  };
  const tokenHash = hashSecret(token);
  await ctx.repos.sessions.create(tokenHash, session);
  const [credential, user] = await Promise.all([ctx.repos.credentials.get(credentialId), ctx.repos.users.get(userId)]);
  if (!user?.active) {
    await ctx.repos.sessions.revoke(tokenHash, ctx.now());
    throw new ApiError(403, 'user_deactivated', 'This account was deactivated while signing in: ask an administrator');
  }
  if (!credential || credential.userId !== userId) {
    await ctx.repos.sessions.revoke(tokenHash, ctx.now());
    throw new ApiError(401, 'unknown_credential', `Passkey "${credentialId}" is not registered here to this user: no session was opened`);
  }
  if (credential.revokedAt !== undefined) {
    await ctx.repos.sessions.revoke(tokenHash, ctx.now());
    throw new ApiError(401, 'revoked_credential', `Passkey "${credentialId}" was revoked at ${new Date(credential.revokedAt).toISOString()}, while signing in: no session was opened`);
  }
  rememberOwner(ctx, tokenHash, { userId, credentialId });
  reply.setCookie(sessionCookieName(ctx), token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: cookieIsSecure(ctx),
    path: '/',
    maxAge: Math.floor(ctx.config.sessionMaxMs / 1000),
  });
  return session;
}

/** Whether the request carries a session cookie at all (valid or not). */
export const hasSessionCookie = (ctx: Pick<ServerContext, 'config'>, request: FastifyRequest): boolean =>
  Boolean(request.cookies[sessionCookieName(ctx)]);

const clearSessionCookie = (ctx: Pick<ServerContext, 'config'>, reply: FastifyReply): void => {
  reply.clearCookie(sessionCookieName(ctx), { path: '/', httpOnly: true, sameSite: 'strict', secure: cookieIsSecure(ctx) });
};

/** Sessions remembered with their user and passkey, per server (see `readSession`); the oldest are forgotten past this. */
const OWNERS_KEPT = 10_000;
interface Owner {
  readonly userId: string;
  readonly credentialId: string;
}
const owners = new WeakMap<object, Map<string, Owner>>();

const ownerOf = (ctx: ServerContext): Map<string, Owner> => {
  let map = owners.get(ctx.repos);
  if (!map) owners.set(ctx.repos, (map = new Map<string, Owner>()));
  return map;
};

function rememberOwner(ctx: ServerContext, sessionId: string, owner: Owner): void {
  const map = ownerOf(ctx);
  const known = map.get(sessionId);
  if (known?.userId === owner.userId && known.credentialId === owner.credentialId) return;
  map.set(sessionId, owner);
  if (map.size > OWNERS_KEPT) map.delete(map.keys().next().value!);
}

/** A session cookie that opens no session: 401 `session_expired`, and the cookie is cleared (see `settleSession`). */
class SessionEnded extends ApiError {
  constructor(message: string) {
    super(401, 'session_expired', message);
  }
}

/**
 * Resolves the session cookie to a signed-in user. Throws 401 `unauthenticated` when no cookie
 * was sent; 401 `session_expired` when one was sent but opens no session (past its idle or
 * absolute deadline, ended by sign-out, a revoked passkey or a deactivation, or unknown here),
 * and then also clears the cookie, so the next visit is an ordinary signed-out one.
 */
export function readSession(ctx: ServerContext, request: FastifyRequest, reply: FastifyReply): Promise<SignedIn> {
  return settleSession(ctx, lookUpSession(ctx, request), reply);
}

/**
 * `readSession` without its effect on the answer: the session as the store has it now (marked as
 * seen when it was not for a minute), or the refusal — whose cookie `settleSession` clears once
 * the request is answered by it.
 */
export async function lookUpSession(ctx: ServerContext, request: FastifyRequest): Promise<SignedIn> {
  const token = request.cookies[sessionCookieName(ctx)];
  if (!token) throw new ApiError(401, 'unauthenticated', 'Sign in with a passkey first');
  const sessionId = hashSecret(token);
  // Whose session it is, and which passkey opened it, never change: once known, that user's and
  // that passkey's documents are read beside the session's (all read fresh every time), one round
  // trip to the store instead of two.
  const known = ownerOf(ctx).get(sessionId);
  const [session, knownUser, knownCredential] = await Promise.all([
    ctx.repos.sessions.get(sessionId),
    known && ctx.repos.users.get(known.userId),
    known && ctx.repos.credentials.get(known.credentialId),
  ]);
  if (!session) throw new SessionEnded('This session is unknown (it may have expired and been cleared): sign in again');
  rememberOwner(ctx, sessionId, { userId: session.userId, credentialId: session.credentialId });
  if (session.revokedAt !== undefined) throw new SessionEnded('This session was ended (signed out, passkey revoked or account deactivated): sign in again');
  const now = ctx.now();
  if (now >= session.expiresAt || now >= session.idleExpiresAt) {
    throw new SessionEnded(`This session expired at ${new Date(Math.min(session.expiresAt, session.idleExpiresAt)).toISOString()}: sign in again`);
  }
  const isKnown = known?.userId === session.userId && known.credentialId === session.credentialId;
  const [user, credential] = isKnown
    ? [knownUser, knownCredential]
    : await Promise.all([ctx.repos.users.get(session.userId), ctx.repos.credentials.get(session.credentialId)]);
  if (!user?.active) throw new SessionEnded('This account is deactivated');
  if (user.sessionsFrom !== undefined && session.createdAt <= user.sessionsFrom) {
    throw new SessionEnded('This session was opened before the account was deactivated: sign in again');
  }
  // A revoked passkey's sessions are ended when it is revoked; this holds even where that missed
  // one (a session stored as the revocation landed, read from a lagging copy of a cluster's view).
  if (!credential || credential.revokedAt !== undefined || credential.userId !== session.userId) {
    throw new SessionEnded('The passkey this session was opened with was revoked: sign in again with another');
  }
  if (now - session.lastSeenAt >= TOUCH_EVERY_MS) {
    await ctx.repos.sessions.touch(sessionId, now, Math.min(ctx.config.sessionIdleMs, session.expiresAt - now));
  }
  return { user, session, credentialId: session.credentialId, sessionId };
}

/** A session looked up (`lookUpSession`), answered as `readSession` answers it: one that ended clears the cookie on `reply`. */
export async function settleSession(ctx: ServerContext, lookedUp: Promise<SignedIn>, reply: FastifyReply): Promise<SignedIn> {
  try {
    return await lookedUp;
  } catch (error) {
    if (error instanceof SessionEnded) clearSessionCookie(ctx, reply);
    throw error;
  }
}

/** Ends the current session (if any) and clears its cookie. */
export async function endSession(ctx: ServerContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const token = request.cookies[sessionCookieName(ctx)];
  if (token) await ctx.repos.sessions.revoke(hashSecret(token), ctx.now());
  clearSessionCookie(ctx, reply);
}
