import { z } from 'zod';
import { isInSubtree, type UnitId } from '@seal/shared';
import type { UnitTree } from '../auth/scope';

/**
 * A pull checkpoint: where a replica stands in the store's change feed, and under which scope.
 *
 * - `seq`: every row at or before this change whose unit lies in the subtrees of `units` has been
 *   delivered (or was the replica's own);
 * - `fill`: a back-fill in progress of subtrees that joined the scope later: their rows (those
 *   outside `units`) have been delivered from the start of the feed up to `fill.seq`.
 *
 * The client passes it back unread. It may lie about `units` — claiming a larger scope only
 * denies itself a back-fill, a smaller one earns it rows it may see anyway — because the server
 * serves only rows in the scope of today's grants, whatever the checkpoint says.
 */
export interface PullCheckpoint {
  readonly seq: string;
  readonly units: readonly string[];
  readonly fill: { readonly seq: string; readonly units: readonly string[] } | null;
}

const seqText = z.string().min(1).max(4096);
const unitIds = z.array(z.string().min(1).max(128)).max(1000);
const checkpointSchema = z.strictObject({
  v: z.literal(1),
  seq: seqText,
  units: unitIds,
  fill: z.strictObject({ seq: seqText, units: unitIds }).nullable(),
});

/** The checkpoint as the client carries it (JSON text). */
export const encodePullCheckpoint = (checkpoint: PullCheckpoint): string =>
  JSON.stringify({ v: 1, seq: checkpoint.seq, units: [...checkpoint.units], fill: checkpoint.fill && { seq: checkpoint.fill.seq, units: [...checkpoint.fill.units] } });

/**
 * Reads a client's `since`. No `since`: a fresh replica, at the start of the feed. A bare store
 * sequence (the checkpoint before scopes were recorded): a position whose scope is unknown, so
 * every unit in scope is back-filled once. Anything else that is not a checkpoint is refused.
 */
export function decodePullCheckpoint(since: string | undefined): { ok: true; value: PullCheckpoint } | { ok: false; message: string } {
  if (since === undefined) return { ok: true, value: { seq: '0', units: [], fill: null } };
  if (!since.startsWith('{')) {
    const seq = seqText.safeParse(since);
    return seq.success ? { ok: true, value: { seq: seq.data, units: [], fill: null } } : { ok: false, message: `expected a checkpoint from an earlier pull, got ${since.length} characters` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(since);
  } catch {
    return { ok: false, message: 'expected a checkpoint from an earlier pull (JSON), got text that is not JSON' };
  }
  const checked = checkpointSchema.safeParse(parsed);
  if (!checked.success) return { ok: false, message: `expected a checkpoint from an earlier pull: ${z.prettifyError(checked.error)}` };
  const { seq, units, fill } = checked.data;
  return { ok: true, value: { seq, units, fill } };
}

/** Whether `unitId` lies in the subtree of one of `roots`. */
export const coveredBy = (roots: readonly string[], tree: UnitTree) => (unitId: string): boolean =>
  roots.some((root) => isInSubtree(unitId as UnitId, root as UnitId, tree));

/**
 * The part of `roots`' subtrees that `others`' subtrees also cover, as roots: subtrees of one tree
 * are nested or apart, so the intersection is the roots of either that lie inside the other.
 */
function intersect(roots: readonly string[], others: readonly string[], tree: UnitTree): string[] {
  const inOthers = coveredBy(others, tree);
  const inRoots = coveredBy(roots, tree);
  return [...new Set([...roots.filter(inOthers), ...others.filter(inRoots)])];
}

/** What one pull must do, given the replica's checkpoint and the user's scope today. */
export interface PullPlan {
  /** Subtrees delivered up to `seq`, still in scope: the main scan continues with these. */
  readonly delivered: readonly string[];
  /** The back-fill to run first, if any (from its own position, for rows outside `delivered`). */
  readonly fill: { readonly seq: string; readonly units: readonly string[] } | null;
  /** Units the checkpoint's scope covered that today's scope does not: the replica drops their rows. */
  readonly left: readonly string[];
}

/**
 * Compares the scope a checkpoint was taken under with today's `roots`. Subtrees still in scope
 * continue from the checkpoint; subtrees that joined are back-filled from the start of the feed
 * (a back-fill already running continues, unless yet more joined: then it restarts with all of
 * them — rare, and re-sending a row is harmless); units that left are named.
 */
export function planPull(checkpoint: PullCheckpoint, roots: readonly string[], tree: UnitTree): PullPlan {
  const inScope = coveredBy(roots, tree);
  const before = coveredBy([...checkpoint.units, ...(checkpoint.fill?.units ?? [])], tree);
  const left = [...tree.keys()].filter((unitId) => before(unitId) && !inScope(unitId)).sort();
  // Nothing was delivered before the start of the feed: a fresh position covers any scope.
  if (checkpoint.seq === '0' && checkpoint.fill === null) return { delivered: [...new Set(roots)], fill: null, left };
  const delivered = intersect(roots, checkpoint.units, tree);
  const isDelivered = coveredBy(delivered, tree);
  const filling = checkpoint.fill ? intersect(roots, checkpoint.fill.units, tree).filter((unit) => !isDelivered(unit)) : [];
  const isFilling = coveredBy(filling, tree);
  const joined = roots.filter((root) => !isDelivered(root) && !isFilling(root));
  if (joined.length > 0) return { delivered, fill: { seq: '0', units: [...new Set([...filling, ...joined])] }, left };
  if (filling.length > 0 && checkpoint.fill) return { delivered, fill: { seq: checkpoint.fill.seq, units: filling }, left };
  return { delivered, fill: null, left };
}
