import {
  cancellationSchema, countedApprovals, decisionSchema, factRowId, countersignatureId,
  type Cancellation, type Decision, type GrantRecords, type Impression, type SyncRow,
} from '@seal/shared';
import { rosterWithDeparted } from './departedParticipants';
import type { RowsRepo } from './rowsRepo';

/** The facts of `kind` about a request among `rows`, parsed, once per id. */
function factsOf<T extends { id: string }>(rows: Iterable<SyncRow>, kind: 'decision' | 'cancellation', parse: (body: unknown) => T | undefined, requestId: string, requestIdOf: (fact: T) => string): T[] {
  const byId = new Map<string, T>();
  for (const row of rows) {
    if (row.type !== 'fact' || row.kind !== kind) continue;
    const fact = parse(row.body);
    if (fact !== undefined && requestIdOf(fact) === requestId) byId.set(fact.id, fact);
  }
  return [...byId.values()];
}

/** Every decision on the request the server holds. */
async function heldDecisions(requestId: string, rows: RowsRepo): Promise<Decision[]> {
  return factsOf(await rows.documentRows(['request', requestId]), 'decision', (body) => decisionSchema.safeParse(body).data, requestId, (d) => d.payload.requestId);
}

/** Every cancellation of the request the server holds (ids `requestId:cancel:…`). */
export async function heldCancellations(requestId: string, rows: RowsRepo): Promise<Cancellation[]> {
  return factsOf(await rows.factsOfKind('cancellation', `${requestId}:cancel:`), 'cancellation', (body) => cancellationSchema.safeParse(body).data, requestId, (c) => c.requestId);
}

/**
 * Who vetoed the request, by the shared route rule (`countedApprovals`, as `deriveRequestStatus`
 * counts it) over every decision the server holds on it: a counted reject rejects the request
 * whatever else was approved, so no impression under it is countersigned. `undefined` when nobody did.
 */
function vetoOf(records: GrantRecords, decisions: readonly Decision[]): string | undefined {
  const counted = countedApprovals(records, decisions);
  return !counted.ok && counted.error.code === 'grant_rejected' ? counted.error.message : undefined;
}

/** Why an impression no longer stands, beyond the impression rule. */
export interface ImpressionWithdrawal {
  readonly code: 'request_rejected' | 'request_cancelled' | 'uses_countersigned';
  readonly message: string;
}

/**
 * Why an impression does not stand by what the server holds beyond the impression rule
 * (`judgeImpression`): the request was vetoed; it was cancelled at or before the impression's
 * claimed time; or its approved uses are all countersigned already by other impressions (one
 * claimed earlier than one countersigned would otherwise take its use). What the organisation
 * refuses to countersign, and what `/verify` tells a stranger.
 */
export async function impressionWithdrawal(impression: Impression, records: GrantRecords & { readonly grant: { readonly uses: number }; readonly impressions: readonly Impression[] }, rows: RowsRepo): Promise<ImpressionWithdrawal | undefined> {
  const decisions = await heldDecisions(impression.requestId, rows);
  const cancellations = await heldCancellations(impression.requestId, rows);
  // A veto by someone who has left since stands (the server judged it when it took it).
  const roster = rosterWithDeparted(records.roster, { decisions, cancellations, sealUnitId: records.seal.unitId, requestUnitId: records.request.unitId });
  const veto = vetoOf({ ...records, roster }, decisions);
  if (veto !== undefined) return { code: 'request_rejected', message: `request "${impression.requestId}" was rejected: ${veto}` };
  const cancelled = cancellations.filter((c) => c.at <= impression.claimedAt).sort((a, b) => a.at - b.at)[0];
  if (cancelled !== undefined) return { code: 'request_cancelled', message: `request "${impression.requestId}" was cancelled at ${new Date(cancelled.at).toISOString()}, before this impression (${new Date(impression.claimedAt).toISOString()})` };
  const others = records.impressions.filter((other) => other.id !== impression.id);
  const countersigned = await rows.getMany(others.map((other) => factRowId('countersignature', countersignatureId(other.id))));
  if (countersigned.size >= records.grant.uses) return { code: 'uses_countersigned', message: `all ${records.grant.uses} use(s) approved for request "${impression.requestId}" are countersigned already` };
  return undefined;
}

/** Why the organisation may not countersign this impression (see {@link impressionWithdrawal}). */
export async function countersignWithdrawn(impression: Impression, records: GrantRecords & { readonly grant: { readonly uses: number }; readonly impressions: readonly Impression[] }, rows: RowsRepo): Promise<string | undefined> {
  return (await impressionWithdrawal(impression, records, rows))?.message;
}
