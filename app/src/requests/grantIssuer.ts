import { issueGrant, judgeGrant, type Grant, type GrantRefusal, type Result, type Roster } from '@seal/shared';
import type { LocalStore } from '../store/localStore';
import { verdictOf, type RequestEntry } from './requestBook';

/**
 * Grants are issued from the store, never from a screen: whenever the facts held change, the app
 * of the requester, and of every approver who approved, issues the grant of each approved request
 * that has no valid grant yet (`issueGrant`, deterministic: every one of them issues the same
 * grant, one fact). So the site tablet gets it by whichever path syncs first, and what synced
 * while an approver was signing (a withdrawal, a veto, a suspended seal) is always taken into
 * account: the request must still be `approved` by `deriveRequestStatus`.
 */

/** Whether this user's app issues grants for the entry: their own request, or one they approved. */
const issuesFor = (entry: RequestEntry, userId: string): boolean => entry.request.requesterId === userId || verdictOf(entry, userId) === 'approve';

/**
 * A held grant judged by the shared rule (`judgeGrant`) against this replica's records and
 * roster; a refusal when the request or its seal is not held here.
 */
export async function judgeHeldGrant(entry: RequestEntry, roster: Roster, grant: Grant): Promise<Result<unknown, GrantRefusal>> {
  if (entry.seal === undefined) return { ok: false, error: { code: 'grant_wrong_seal', message: `seal "${entry.request.sealId}" of request "${entry.request.id}" is not held here` } };
  return judgeGrant(grant, { request: entry.request, seal: entry.seal, roster });
}

/** The approved requests whose grant this user's app should issue now (no valid grant held is checked by `issueMissingGrant`). */
export function grantCandidates(entries: readonly RequestEntry[], userId: string): RequestEntry[] {
  return entries.filter((e) => e.view?.status === 'approved' && e.seal?.form === 'physical' && e.seal.deviceId !== null && issuesFor(e, userId));
}

/** What issuing came to for one request. */
export type IssueOutcome = 'issued' | 'held' | GrantRefusal;

/**
 * Issues and records the grant of one approved request, unless a valid one is held already. A
 * refusal says why none can be issued (e.g. an approval the roster no longer honours).
 */
export async function issueMissingGrant(store: LocalStore, entry: RequestEntry, roster: Roster): Promise<IssueOutcome> {
  for (const held of entry.grants) if ((await judgeHeldGrant(entry, roster, held)).ok) return 'held';
  if (entry.seal === undefined) return { code: 'grant_wrong_seal', message: `seal "${entry.request.sealId}" is not held here` };
  const grant = await issueGrant({ request: entry.request, seal: entry.seal, roster }, entry.decisions);
  if (!grant.ok) return grant.error;
  await store.facts.append('grant', grant.value, entry.request.unitId);
  return 'issued';
}
