import { cancellationId, type Cancellation, type Decision, type UseRequest, type UserId } from '@seal/shared';
import type { LocalStore } from '../store/localStore';
import type { RequestEntry } from './requestBook';
import type { DecisionBody } from './signDecision';

/**
 * Records a signed decision in the request's scope (the server checks it there). The grant, when
 * the decision completes the route, is not issued here but by the store's observer (`grantIssuer`
 * in `RequestsProvider`), from everything held once the decision is: what synced while the
 * approver was signing is taken into account. A fact: recording it again is a no-op.
 */
export async function recordDecision(store: LocalStore, request: UseRequest, body: DecisionBody): Promise<Decision> {
  const { row } = await store.facts.append('decision', body, request.unitId);
  return row.body as unknown as Decision;
}

/** Records the requester's withdrawal of a request (a cancellation fact, keyed by who and when). */
export async function recordCancellation(store: LocalStore, entry: RequestEntry, actorId: UserId, reason: string): Promise<Cancellation> {
  const at = store.now();
  const cancellation: Cancellation = { id: cancellationId(entry.request.id, actorId, at), requestId: entry.request.id, actorId, reason: reason.trim(), at };
  await store.facts.append('cancellation', cancellation, entry.request.unitId);
  return cancellation;
}
