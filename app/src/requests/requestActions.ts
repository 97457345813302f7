import { cancellationId, type Cancellation, type Decision, type UseRequest, type UserId } from '@seal/shared';
import type { LocalStore } from '../store/localStore';
import { grantAfterDecision, type RequestBookInput, type RequestEntry } from './requestBook';
import type { DecisionBody } from './signDecision';

/**
 * Records a signed decision in the request's scope (the server checks it there) and, when with it
 * the request is approved, assembles and records the grant at once, so the site tablet gets it by
 * the next sync. `book` is read after the decision was signed (the passkey ceremony may take
 * minutes, during which a withdrawal or a seal's suspension may have synced): the request's status
 * is derived again from it (`grantAfterDecision`). Both are facts: recording them again is a no-op.
 */
export async function recordDecision(
  store: LocalStore,
  request: UseRequest,
  body: DecisionBody,
  book: () => RequestBookInput,
): Promise<{ decision: Decision; grantRowId: string | undefined }> {
  const scope = request.unitId;
  const { row } = await store.facts.append('decision', body, scope);
  const decision = row.body as unknown as Decision;
  const grant = grantAfterDecision(book(), request.id, decision, store.now());
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
