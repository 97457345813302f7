import { cancellationId, type Cancellation, type Decision, type OrgUnit, type User, type UserId } from '@seal/shared';
import type { LocalStore } from '../store/localStore';
import { assembleGrant, type RequestEntry } from './requestBook';
import type { DecisionBody } from './signDecision';

/**
 * Records a signed decision in the request's scope (the server checks it there) and, when it is
 * the decision that meets the approval route, assembles and records the grant at once, so the
 * site tablet gets it by the next sync. Both are facts: recording them again is a no-op.
 */
export async function recordDecision(
  store: LocalStore,
  entry: RequestEntry,
  body: DecisionBody,
  users: readonly User[],
  units: readonly OrgUnit[],
): Promise<{ decision: Decision; grantRowId: string | undefined }> {
  const scope = entry.request.unitId;
  const { row } = await store.facts.append('decision', body, scope);
  const decision = row.body as unknown as Decision;
  const grant = entry.seal === undefined ? undefined : assembleGrant(entry.request, entry.seal, [...entry.decisions, decision], users, units);
  const grantRow = grant === undefined ? undefined : (await store.facts.append('grant', grant, scope)).row;
  return { decision, grantRowId: grantRow?.id };
}

/** Records the requester's withdrawal of a request (a cancellation fact, keyed by who and when). */
export async function recordCancellation(store: LocalStore, entry: RequestEntry, actorId: UserId, reason: string): Promise<Cancellation> {
  const at = store.now();
  const cancellation: Cancellation = { id: cancellationId(entry.request.id, actorId, at), requestId: entry.request.id, actorId, reason: reason.trim(), at };
  await store.facts.append('cancellation', cancellation, entry.request.unitId);
  return cancellation;
}
