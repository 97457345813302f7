import type { AuditEntry } from '../couch/auditLog';
import type { Actor } from '../couch/model';
import type { SignedIn } from '../auth/sessions';
import type { ServerContext } from './api';

/** The audit actor for a signed-in user: who, and with which passkey's session. */
export const actorOf = (signedIn: SignedIn): Actor => ({ userId: signedIn.user.id, credentialId: signedIn.credentialId });

/**
 * Records an event that changes no state (a refused sign-in with a cloned passkey's counter).
 * A change of state is never recorded with this: it goes through `ctx.changes.commit`, which
 * writes the change and its audit records together (see `ChangeJournal`).
 */
export async function recordChange(ctx: ServerContext, entry: AuditEntry): Promise<void> {
  await ctx.repos.audit.append(entry);
}
