import type { AuditEntry } from '../couch/auditLog';
import type { Actor } from '../couch/model';
import type { SignedIn } from '../auth/sessions';
import type { ServerContext } from './api';

/** The audit actor for a signed-in user: who, and with which passkey's session. */
export const actorOf = (signedIn: SignedIn): Actor => ({ userId: signedIn.user.id, credentialId: signedIn.credentialId });

/**
 * Records an administrative change: bumps the roster version first when the change alters what
 * the roster carries (users, roles, passkeys, units and their geofences), then appends the
 * audit record.
 */
export async function recordChange(ctx: ServerContext, entry: AuditEntry, options: { readonly roster?: boolean } = {}): Promise<void> {
  if (options.roster) await ctx.repos.meta.bumpRosterVersion(ctx.now());
  await ctx.repos.audit.append(entry);
}
