import { createHash } from 'node:crypto';
import { z } from 'zod';
import { isInSubtree, type UnitId } from '@seal/shared';
import type { UnitTree } from '../auth/scope';

/**
 * A pull checkpoint (ADR 010): what a replica has been sent, as a set of units and a position.
 *
 * - `units`: the units (not subtrees: a unit moved into a granted subtree later is not among them)
 *   whose every row at or before `seq` in the store's change feed has been delivered (or was the
 *   replica's own). `'all'` stands for every unit of the organisation, units created later
 *   included: the scope of someone granted the root;
 * - `fill`: units being back-filled (they joined the scope later, or the replica is fresh): their
 *   rows are read from the scope index (`by_scope`) a unit at a time in row-id order up to `at`,
 *   then from the change feed after `snap` (the index's sequence when the fill began) up to `seq`.
 *
 * Units are kept as short digests of their ids ({@link unitDigest}) so that the checkpoint of a
 * scope of hundreds of units still fits a query string. The client passes it back unread. It may
 * lie — claiming more units only denies itself a back-fill, fewer earns it rows it may see
 * anyway — because the server serves only rows in the scope of today's grants, whatever the
 * checkpoint says.
 */
export interface PullCheckpoint {
  readonly seq: string;
  readonly units: UnitSet;
  readonly fill: Fill | null;
}

/** Unit digests, or every unit of the organisation. */
export type UnitSet = readonly string[] | 'all';

export interface Fill {
  readonly units: readonly string[];
  /** The last index key delivered, `[unitId, rowId]`; `null` before the first. */
  readonly at: readonly [string, string] | null;
  /** The scope index's sequence when the fill began (`null` before its first page). */
  readonly snap: string | null;
  /** Once the index is read: the change feed position reached after `snap`. */
  readonly seq: string | null;
  /** Rows of the index still owed (counted when the fill began, less those read since): for progress only. */
  readonly owed: number | null;
}

/** Characters of a unit digest: 60 bits, so that two units of one organisation never share one (see ADR 010). */
const DIGEST_CHARS = 10;

/** A unit's id as a checkpoint holds it (base64url of its SHA-256, cut to {@link DIGEST_CHARS}). */
export const unitDigest = (unitId: string): string => createHash('sha256').update(unitId).digest('base64url').slice(0, DIGEST_CHARS);

const seqText = z.string().min(1).max(4096);
const rowKey = z.string().min(1).max(1024);
/** Most units a checkpoint names (a set stored by reference past {@link INLINE_UNITS}). */
const MAX_UNITS = 100_000;
/** Digests written back to back in one string. */
const digests = z.string().max(DIGEST_CHARS * MAX_UNITS).regex(new RegExp(`^([A-Za-z0-9_-]{${DIGEST_CHARS}})*$`));
const checkpointSchema = z.strictObject({
  v: z.literal(2),
  seq: seqText,
  units: z.union([digests, z.literal('all')]),
  fill: z.strictObject({ units: digests, at: z.tuple([z.string().min(1).max(128), rowKey]).nullable(), snap: seqText.nullable(), seq: seqText.nullable(), owed: z.int().min(0).max(Number.MAX_SAFE_INTEGER).nullable() }).nullable(),
});
/** The checkpoint as a server before ADR 010 wrote it: the roots of subtrees delivered up to `seq`. */
const legacySchema = z.strictObject({
  v: z.literal(1),
  seq: seqText,
  units: z.array(z.string().min(1).max(128)).max(1000),
  fill: z.strictObject({ seq: seqText, units: z.array(z.string().min(1).max(128)).max(1000) }).nullable(),
});

const split = (text: string): string[] => text.match(new RegExp(`.{${DIGEST_CHARS}}`, 'g')) ?? [];

/** The checkpoint as the client carries it (JSON text). */
export const encodePullCheckpoint = (checkpoint: PullCheckpoint): string => {
  const { seq, units, fill } = checkpoint;
  return JSON.stringify({
    v: 2, seq,
    units: units === 'all' ? 'all' : [...units].sort().join(''),
    fill: fill && { units: [...fill.units].sort().join(''), at: fill.at && [...fill.at], snap: fill.snap, seq: fill.seq, owed: fill.owed },
  });
};

/** The checkpoint of a replica that holds nothing. */
export const FRESH: PullCheckpoint = { seq: '0', units: [], fill: null };

/** What a client's `since` says: a checkpoint, or (written by an older server) roots of subtrees to expand with today's tree. */
export type DecodedSince = PullCheckpoint | { readonly legacy: { readonly seq: string; readonly roots: readonly string[]; readonly fillRoots: readonly string[] } };

/**
 * Reads a client's `since`. No `since`: a fresh replica. A bare store sequence (the checkpoint
 * before scopes were recorded): a position whose scope is unknown, so every unit in scope is
 * back-filled once. Anything else that is not a checkpoint is refused.
 */
export function decodePullCheckpoint(since: string | undefined): { ok: true; value: DecodedSince } | { ok: false; message: string } {
  if (since === undefined) return { ok: true, value: FRESH };
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
  const legacy = legacySchema.safeParse(parsed);
  if (legacy.success) return { ok: true, value: { legacy: { seq: legacy.data.seq, roots: legacy.data.units, fillRoots: legacy.data.fill?.units ?? [] } } };
  const checked = checkpointSchema.safeParse(parsed);
  if (!checked.success) return { ok: false, message: `expected a checkpoint from an earlier pull: ${z.prettifyError(checked.error)}` };
  const { seq, units, fill } = checked.data;
  return {
    ok: true,
    value: {
      seq,
      units: units === 'all' ? 'all' : split(units),
      fill: fill && { units: split(fill.units), at: fill.at && [fill.at[0], fill.at[1]], snap: fill.snap, seq: fill.seq, owed: fill.owed },
    },
  };
}

/** Whether `unitId` lies in the subtree of one of `roots`. */
export const coveredBy = (roots: readonly string[], tree: UnitTree) => (unitId: string): boolean =>
  roots.some((root) => isInSubtree(unitId as UnitId, root as UnitId, tree));

/** The units of today's tree in the subtrees of `roots`, in id order. */
export function unitsUnder(roots: readonly string[], tree: UnitTree): string[] {
  const inScope = coveredBy(roots, tree);
  return [...tree.keys()].filter((unitId) => inScope(unitId)).sort();
}

/** A checkpoint written by an older server, read with today's tree (a unit moved since is taken as it stands now). */
export function fromLegacy(legacy: Extract<DecodedSince, { legacy: unknown }>['legacy'], tree: UnitTree): PullCheckpoint {
  const units = unitsUnder(legacy.roots, tree).map(unitDigest);
  const fill = unitsUnder(legacy.fillRoots, tree).map(unitDigest).filter((d) => !units.includes(d));
  // A legacy back-fill restarts from the index (rows sent twice are harmless: rows never change).
  return { seq: legacy.seq, units, fill: fill.length > 0 ? { units: fill, at: null, snap: null, seq: null, owed: null } : null };
}

/** What one pull must do, given the replica's checkpoint and the user's scope today. */
export interface PullPlan {
  /** Units delivered up to the checkpoint's `seq`, still in scope: the feed scan continues with these. */
  readonly delivered: UnitSet;
  /** The back-fill to run first, if any: units in scope today, none of them delivered. */
  readonly fill: (Fill & { readonly unitIds: readonly string[] }) | null;
  /** Units the checkpoint covered that today's scope does not: the replica drops their rows. */
  readonly left: readonly string[];
}

/**
 * Compares the units a checkpoint covers with the units `roots` cover in today's tree. Units
 * still in scope continue from the checkpoint; units that joined (granted, created under a
 * granted unit, or moved into one) are back-filled (a back-fill already running continues with
 * those of its units still in scope; units that joined meanwhile are back-filled after it);
 * units that left (revoked, or moved out) are named.
 */
export function planPull(checkpoint: PullCheckpoint, roots: readonly string[], tree: UnitTree): PullPlan {
  const today = unitsUnder(roots, tree);
  const everything = today.length === tree.size && roots.some((root) => tree.get(root as UnitId)?.parentId === null);
  const held = checkpoint.units === 'all' ? null : new Set(checkpoint.units);
  const filling = new Set(checkpoint.fill?.units ?? []);
  const wasHeld = (unitId: string) => held === null || held.has(unitDigest(unitId));
  const inScope = new Set(today);
  const left = [...tree.keys()].filter((unitId) => !inScope.has(unitId) && (wasHeld(unitId) || filling.has(unitDigest(unitId)))).sort();
  const delivered: UnitSet = held === null && everything ? 'all' : today.filter(wasHeld).map(unitDigest);
  const joined = today.filter((unitId) => !wasHeld(unitId));
  if (joined.length === 0) return { delivered, fill: null, left };
  // A back-fill under way goes on with its units still in scope; units that joined meanwhile wait
  // for the next one (they are neither delivered nor filling: nothing of theirs is sent until then).
  const stillFilling = joined.filter((unitId) => filling.has(unitDigest(unitId)));
  const fill = checkpoint.fill && stillFilling.length > 0
    ? { ...checkpoint.fill, units: stillFilling.map(unitDigest), unitIds: stillFilling }
    : { units: joined.map(unitDigest), unitIds: joined, at: null, snap: null, seq: null, owed: null };
  return { delivered, fill, left };
}

/**
 * Sets of units a checkpoint names by reference: a scope of hundreds of units would not fit the
 * query string a client sends back (8 KiB), so a set of more than {@link INLINE_UNITS} is stored
 * once under the SHA-256 of its digests (content-addressed, immutable: any server instance reads
 * it) and the checkpoint carries `#` and that name.
 */
export interface UnitSetStore {
  put(ref: string, digests: string): Promise<void>;
  /** The digests stored under `ref`, or `undefined` when none are. */
  get(ref: string): Promise<string | undefined>;
}

/** Units a checkpoint holds inline (2,000 characters); a larger set goes by reference. */
export const INLINE_UNITS = 200;
/** A checkpoint longer than this (long sequences of a CouchDB cluster, a fill position) sends its sets by reference too. */
const INLINE_BUDGET_CHARS = 6000;
const REF = /^#[A-Za-z0-9_-]{43}$/;

/** `encoded` with each set of more than {@link INLINE_UNITS} units — or every set, when it would be long — stored and named by reference. */
export async function externaliseUnitSets(encoded: string, store: UnitSetStore): Promise<string> {
  const checkpoint = JSON.parse(encoded) as { units: string; fill: { units: string } | null };
  const long = encoded.length > INLINE_BUDGET_CHARS;
  const byRef = async (text: string): Promise<string> => {
    if (text.length === 0 || (!long && text.length <= INLINE_UNITS * DIGEST_CHARS)) return text;
    const ref = createHash('sha256').update(text).digest('base64url');
    await store.put(ref, text);
    return `#${ref}`;
  };
  if (checkpoint.units !== 'all') checkpoint.units = await byRef(checkpoint.units);
  if (checkpoint.fill) checkpoint.fill.units = await byRef(checkpoint.fill.units);
  return JSON.stringify(checkpoint);
}

/**
 * A client's `since` with the sets it names by reference read back (`unknown`: one of them is not
 * held — never written, dropped since, or forged). A checkpoint whose set is unknown becomes a
 * bare position: its scope is unknown, so every unit in scope is back-filled once — never rows
 * outside today's scope — and the caller names every unit outside today's scope as left. A
 * checkpoint that is malformed besides its references is passed on as it came (and refused).
 */
export async function inlineUnitSets(since: string | undefined, store: UnitSetStore): Promise<{ since: string | undefined; unknown: boolean }> {
  const asIs = { since, unknown: false };
  if (since === undefined || !since.startsWith('{') || !since.includes('"#')) return asIs;
  let parsed: unknown;
  try {
    parsed = JSON.parse(since);
  } catch {
    return asIs;
  }
  const checkpoint = parsed as { v?: unknown; seq?: unknown; units?: unknown; fill?: { units?: unknown } | null };
  if (checkpoint === null || typeof checkpoint !== 'object' || checkpoint.v !== 2 || typeof checkpoint.seq !== 'string') return asIs;
  const isRef = (value: unknown): value is string => typeof value === 'string' && value.startsWith('#');
  // The shape first, references aside: a malformed checkpoint is refused whatever it names.
  const blank = (value: unknown): unknown => (isRef(value) ? '' : value);
  const fillIsObject = checkpoint.fill !== null && typeof checkpoint.fill === 'object';
  const shape = JSON.stringify({ ...checkpoint, units: blank(checkpoint.units), fill: fillIsObject ? { ...checkpoint.fill, units: blank(checkpoint.fill!.units) } : checkpoint.fill });
  if (!decodePullCheckpoint(shape).ok) return asIs;
  const read = async (value: unknown): Promise<unknown> => {
    if (!isRef(value)) return value;
    if (!REF.test(value)) return null;
    const digestsText = await store.get(value.slice(1));
    return digestsText !== undefined && createHash('sha256').update(digestsText).digest('base64url') === value.slice(1) ? digestsText : null;
  };
  const units = await read(checkpoint.units);
  const fill = fillIsObject ? { ...checkpoint.fill, units: await read(checkpoint.fill!.units) } : checkpoint.fill;
  if (units === null || (fill && fill.units === null)) return { since: checkpoint.seq, unknown: true };
  return { since: JSON.stringify({ ...checkpoint, units, fill }), unknown: false };
}

/** Every unit of today's tree outside the scope of `user`'s grants today (none held when deactivated: all of them). */
export function unitsOutside(user: { readonly active: boolean; readonly grants: readonly { readonly unitId: string }[] }, tree: UnitTree): string[] {
  const inScope = new Set(user.active ? unitsUnder([...new Set(user.grants.map((g) => g.unitId))], tree) : []);
  return [...tree.keys()].filter((unitId) => !inScope.has(unitId)).sort();
}
