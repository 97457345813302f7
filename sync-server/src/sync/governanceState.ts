import {
  checkGovernanceApprovals, rosterView, routeInForce, sealLifecycleStateOf, sealStatusTimeline, unitChain,
  type ApprovalRoute, type GovernanceCheck, type GovernanceDecision, type GovernanceRequest, type OwnedRoute, type Roster, type Seal, type SealLifecycleState,
  type SealMoveState, type SealStatus, type SealStatusChange,
} from '@seal/shared';
import type { UnitTree } from '../auth/scope';
import { mergeChangeRows } from './recordStates';
import type { RowsRepo } from './rowsRepo';

/** A seal as the server holds it: its merged record, the scope its rows are in, its status by its stored timeline and the last move of it. */
export interface SealOnServer {
  readonly record: Omit<Seal, 'status'>;
  readonly scopeUnitId: string;
  readonly status: SealStatus | null;
  /** The id of the last move applied on its timeline (`null`: none): what a governance move is asked after. */
  readonly lastMoveId: string | null;
}

/** Where a seal's stored moves leave it: status, since when, and by which move (`staleGovernanceMove` judges against it). */
export function sealMoveStateOf(changes: readonly SealStatusChange[]): SealLifecycleState & SealMoveState {
  const timeline = sealStatusTimeline(changes);
  return { ...sealLifecycleStateOf(timeline), lastMoveId: timeline.steps.at(-1)?.changeId ?? null };
}

/** The seal's record and status from the stored rows, or `undefined` when the server holds no record of it. */
export async function sealOnServer(rows: RowsRepo, sealId: string): Promise<SealOnServer | undefined> {
  const state = mergeChangeRows(await rows.changesOf('seal', sealId));
  if (state.json === null || state.scopeUnitId === null) return undefined;
  const moves = sealMoveStateOf((await rows.lifecycleOf(sealId)).map((row) => row.body as unknown as SealStatusChange));
  return { record: state.json as unknown as Omit<Seal, 'status'>, scopeUnitId: state.scopeUnitId, status: moves.status, lastMoveId: moves.lastMoveId };
}

/**
 * The route a governance request on this seal goes through (`routeInForce`, the shared rule: the
 * nearest route, held to the routes out of its owner's hands), or `null` when none applies.
 */
export function governanceRouteOf(seal: SealOnServer, action: GovernanceRequest['action'], tree: UnitTree, owned: readonly OwnedRoute[]): ApprovalRoute | null {
  return routeInForce(seal.record.kind, unitChain(seal.record.unitId, tree), action, owned, (unitId) => unitChain(unitId, tree));
}

/** Where a request's decisions stand on its route, judged by the shared rule against the roster. */
export function tallyGovernance(request: GovernanceRequest, seal: SealOnServer, route: ApprovalRoute, roster: Roster, tree: UnitTree, decisions: readonly GovernanceDecision[] = request.decisions): GovernanceCheck {
  return checkGovernanceApprovals({
    request, route, sealUnitChain: unitChain(seal.record.unitId, tree), custodianId: seal.record.custodianId, users: rosterView(roster).users,
  }, decisions);
}
