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

/**
 * Withdraws the open requests of a person who was deactivated at `at`: each request of theirs
 * whose window had not closed by then and that nobody else withdrew gets a cancellation fact in
 * the name of the administrator who deactivated them (an admin in scope may cancel; see
 * `PERMISSIONS`). The derived status then follows on every replica: pending or approved requests
 * become cancelled and any later stamp under them is `stamp_after_cancellation`; completed and
 * rejected requests keep their status (they take precedence over a cancellation), and requests
 * whose window already closed are left as they are. Requests in units the administrator does not
 * cover are counted, not touched.
 *
 * Repeatable: a cancellation's id is keyed by the request, the administrator and `at` (the
 * deactivation's time, not the time of the call), so running this again, or twice at once, writes
 * no second cancellation, and `halted` names the same requests each time: those this deactivation
 * withdrew, whichever run wrote their cancellation.
 */
export async function haltRequestsOf(rows: RowsRepo, person: UserDoc, admin: UserDoc, tree: UnitTree, at: number): Promise<HaltedRequests> {
  const [changes, cancellations] = await Promise.all([rows.changesOfKind('request'), rows.factsOfKind('cancellation')]);
  const cancellationIds = new Map<string, Set<string>>();
  for (const row of cancellations) {
    const { requestId, id } = row.body as unknown as Cancellation;
    cancellationIds.set(requestId, (cancellationIds.get(requestId) ?? new Set<string>()).add(id));
  }
  const ownId = (request: UseRequest): string => cancellationId(request.id, admin.id as UserId, at);
  const byThis = (request: UseRequest): boolean => cancellationIds.get(request.id)?.has(ownId(request)) ?? false;
  // Open when deactivated: its window not closed, and not withdrawn by anyone but this deactivation.
  const open = requestsOf(changes, person.id).filter((r) => r.window.notAfter >= at && (byThis(r) || !cancellationIds.has(r.id)));
  const inScope = open.filter((r) => holdsRoleOn(admin, ['admin'], r.unitId, tree));
  const factRows = inScope.filter((request) => !byThis(request)).map((request): FactRow => {
    const cancellation: Cancellation = {
      id: ownId(request) as Cancellation['id'], requestId: request.id, actorId: admin.id as UserId,
      reason: `The requester ${person.name} was deactivated`.slice(0, 500), at,
    };
    return {
      id: factRowId('cancellation', cancellation.id), type: 'fact', kind: 'cancellation', subject: subjectOf('request', request.id),
      scopeUnitId: request.unitId, author: admin.id as UserId, createdAt: at, body: cancellation,
    };
  });
  await rows.createMany(factRows);
  return { halted: inScope.map((r) => r.id).sort(), outOfScope: open.filter((r) => !inScope.includes(r)).map((r) => r.id).sort() };
}
