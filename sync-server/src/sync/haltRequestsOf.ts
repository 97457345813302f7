import {
  cancellationId, factRowId, subjectOf, useRequestSchema,
  type Cancellation, type FactRow, type SyncRow, type UseRequest, type UserId,
} from '@seal/shared';
import type { UserDoc } from '../couch/model';
import { holdsRoleOn, type UnitTree } from '../auth/scope';
import { mergeChangeRows } from './recordStates';
import type { RowsRepo } from './rowsRepo';

/** What deactivating someone did to their requests. */
export interface HaltedRequests {
  /** Open requests now withdrawn, by the administrator who deactivated the requester. */
  readonly halted: readonly string[];
  /** Open requests outside that administrator's scope: left for an administrator of theirs. */
  readonly outOfScope: readonly string[];
  /** Those of `halted` whose cancellation this call wrote (another run, or an earlier one, wrote the rest). */
  readonly writtenNow: readonly string[];
}

/** The stored requests of one requester, each merged from its change rows. */
function requestsOf(changeRows: readonly SyncRow[], requesterId: string): UseRequest[] {
  const byRecord = new Map<string, SyncRow[]>();
  for (const row of changeRows) {
    const recordId = row.id.split(':')[2] ?? '';
    byRecord.set(recordId, [...(byRecord.get(recordId) ?? []), row]);
  }
  const found: UseRequest[] = [];
  for (const rows of byRecord.values()) {
    const parsed = useRequestSchema.safeParse(mergeChangeRows(rows).json);
    if (parsed.success && parsed.data.requesterId === requesterId) found.push(parsed.data);
  }
  return found;
}

/** A person's requests as they stood when deactivated at `at`, and which of them that deactivation (by `adminId`) withdrew. */
async function survey(rows: RowsRepo, person: UserDoc, adminId: string, at: number) {
  const [changes, cancellations] = await Promise.all([rows.changesOfKind('request'), rows.factsOfKind('cancellation')]);
  const cancellationIds = new Map<string, Set<string>>();
  for (const row of cancellations) {
    const { requestId, id } = row.body as unknown as Cancellation;
    cancellationIds.set(requestId, (cancellationIds.get(requestId) ?? new Set<string>()).add(id));
  }
  const ownId = (request: UseRequest) => cancellationId(request.id, adminId as UserId, at);
  const byThis = (request: UseRequest): boolean => cancellationIds.get(request.id)?.has(ownId(request)) ?? false;
  // Open when deactivated: its window not closed then, and withdrawn by nobody else. (Not judged by
  // its `createdAt`: a tablet's clock, ahead of the server's, would leave a request made before open.)
  const open = requestsOf(changes, person.id).filter((r) => r.window.notAfter >= at && (byThis(r) || !cancellationIds.has(r.id)));
  return { open, ownId, byThis };
}

/** The requests of `person` the deactivation at `at` by `adminId` has withdrawn so far (its own cancellations stored). */
export async function requestsWithdrawnBy(rows: RowsRepo, person: UserDoc, adminId: string, at: number): Promise<string[]> {
  const { open, byThis } = await survey(rows, person, adminId, at);
  return open.filter(byThis).map((r) => r.id).sort();
}

/**
 * Withdraws the open requests of a person who was deactivated at `at`: each request of theirs
 * whose window had not closed and that nobody else withdrew, gets a
 * cancellation fact in the name of the administrator who deactivated them (an admin in scope may
 * cancel; see `PERMISSIONS`). The derived status then follows on every replica: pending or
 * approved requests become cancelled and any later stamp under them is `stamp_after_cancellation`;
 * completed and rejected requests keep their status (they take precedence over a cancellation),
 * and requests whose window already closed are left as they are. Requests in units the
 * administrator does not cover are counted, not touched.
 *
 * Repeatable: a cancellation's id is keyed by the request, the administrator and `at` (the
 * deactivation's time, not the time of the call), so running this again, or twice at once, writes
 * no second cancellation, and `halted` names every request this deactivation withdrew, whichever
 * run wrote its cancellation and whatever the administrator's scope is now.
 */
export async function haltRequestsOf(rows: RowsRepo, person: UserDoc, admin: UserDoc, tree: UnitTree, at: number): Promise<HaltedRequests> {
  const { open, ownId, byThis } = await survey(rows, person, admin.id, at);
  const toWithdraw = open.filter((r) => !byThis(r) && holdsRoleOn(admin, ['admin'], r.unitId, tree));
  const outcomes = await rows.createMany(toWithdraw.map((request): FactRow => {
    const cancellation: Cancellation = {
      id: ownId(request), requestId: request.id, actorId: admin.id as UserId,
      reason: `The requester ${person.name} was deactivated`.slice(0, 500), at,
    };
    return {
      id: factRowId('cancellation', cancellation.id), type: 'fact', kind: 'cancellation', subject: subjectOf('request', request.id),
      scopeUnitId: request.unitId, author: admin.id as UserId, createdAt: at, body: cancellation,
    };
  }));
  const halted = open.filter((r) => byThis(r) || toWithdraw.includes(r));
  return {
    halted: halted.map((r) => r.id).sort(),
    outOfScope: open.filter((r) => !halted.includes(r)).map((r) => r.id).sort(),
    writtenNow: toWithdraw.filter((_, i) => outcomes[i] === 'written').map((r) => r.id).sort(),
  };
}
