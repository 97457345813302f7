import type { FastifyRequest } from 'fastify';
import { REPLICA_USER_HEADER } from '@seal/shared';
import type { SignedIn } from '../auth/sessions';
import { ApiError } from '../http/errors';

/**
 * Refuses a sync request made for one person's replica under another person's session. Tabs
 * share the session cookie: a tab still running person 1's store, after person 2 signed in in
 * another tab, would push person 1's rows under person 2's name (refused `forged_author`, and
 * lost from the outbox) and pull person 2's rows into person 1's store. Such a request is
 * answered as signed out (401), before anything is read or written, and the replica stops.
 * A request without the header (an older app, a script) is judged by its session alone.
 */
export function requireReplicaUser(request: FastifyRequest, signedIn: SignedIn): void {
  const claimed = request.headers[REPLICA_USER_HEADER];
  if (claimed === undefined) return;
  const replicaUser = Array.isArray(claimed) ? claimed.join(',') : claimed;
  if (replicaUser === signedIn.user.id) return;
  throw new ApiError(401, 'replica_user_mismatch', `This replica belongs to user "${replicaUser.slice(0, 128)}", but the session is user "${signedIn.user.id}"'s (someone else signed in on this device): sign in again as that user to sync it`);
}
