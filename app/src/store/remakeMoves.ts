import {
  judgeSealMove, parseFactBody, sealLifecycleStateOf, sealStatusChangeId, sealStatusTimeline, subjectOf,
  type SealStatusChange,
} from '@seal/shared';
import { firstValueFrom } from 'rxjs';
import { localId, type Refusal, type RemadeMove, type SealDatabase } from './collections';
import type { FactLog } from './factLog';
import type { LocalBook } from './localBook';
import { subjectRows } from './projector';
import type { ServerClock } from './serverClock';

/** What making refused moves again needs of the store. */
export interface RemakeContext {
  readonly db: SealDatabase;
  readonly book: LocalBook;
  readonly facts: FactLog;
  readonly clock: ServerClock;
  readonly userId: string;
}

/** A refusal of one of this user's lifecycle moves for its date, `future_time`, with its move. */
interface FutureMove {
  readonly refusal: Refusal;
  readonly move: SealStatusChange;
}

function futureMovesAmong(refusals: readonly { refusal: Refusal }[], userId: string): FutureMove[] {
  const moves: FutureMove[] = [];
  for (const { refusal } of refusals) {
    const { row } = refusal;
    if (refusal.code !== 'future_time' || row.type !== 'fact' || row.kind !== 'seal_status_change' || row.author !== userId) continue;
    const parsed = parseFactBody('seal_status_change', row.body);
    if (parsed.ok) moves.push({ refusal, move: parsed.value });
  }
  // In the order they were made: a seal's creation before its first move.
  return moves.sort((a, b) => a.move.at - b.move.at);
}

/** The move as made again at `at` (its id names its time: a new row). */
const movedTo = (move: SealStatusChange, at: number): SealStatusChange => ({ ...move, at, id: sealStatusChangeId(move.sealId, move.from, move.to, move.actorId, at) });

/** Notes on a held refusal what became of its move (`remade`), keeping when the refusal came. */
async function noteRemade(db: SealDatabase, rowId: string, remade: RemadeMove): Promise<void> {
  const doc = await db.local.findOne(localId('refusal', rowId)).exec();
  await doc?.incrementalModify((stored) => (stored._deleted ? stored : { ...stored, data: { ...(stored.data as Refusal), remade } }));
}

/** The seal's lifecycle as held here, refused moves left out (the one just made again included). */
async function lifecycleHeld(ctx: RemakeContext, sealId: string) {
  const rows = await subjectRows(ctx.db, ctx.book, subjectOf('seal', sealId));
  const moves = rows.flatMap((row) => (row.type === 'fact' && row.kind === 'seal_status_change' ? [row.body as unknown as SealStatusChange] : []));
  return sealLifecycleStateOf(sealStatusTimeline(moves));
}

/**
 * Makes again, as new rows, this user's lifecycle moves the server refused `future_time` — dated
 * more than 5 minutes ahead of its clock because this device's clock ran fast — dated by the
 * corrected clock: the refused move's own time plus the correction (when it was made, by the
 * server's clock), never later than now. Done without asking, but only where that is what the
 * person asked for and nothing else: the clock's correction is known and not clamped (a clock off
 * by more than a day is the person's to set), and the move still applies, as this replica holds
 * the seal, at that time — its `from` is where the seal is and it comes after the seal's last
 * move (`judgeSealMove`, the rule the server judges it by again). A move the seal has moved on
 * from (someone else moved it since) is left refused and marked so (`seal_moved`), for the person
 * to make again or not.
 *
 * Never twice: the refused move was never stored (a refusal is final), the refusal is marked
 * with the new row before that row is written, and a marked refusal only ever writes that same
 * row again (its id names its time), if a crash came between the two. The server judges the new
 * row like any: from the seal's current status, after its last move (`stale_transition`).
 * Answers how many moves were made again.
 */
export async function remakeFutureMoves(ctx: RemakeContext): Promise<number> {
  const correction = ctx.clock.correction;
  if (correction === null || correction.clamped) return 0;
  let made = 0;
  for (const { refusal, move } of futureMovesAmong(await firstValueFrom(ctx.book.refusals$()), ctx.userId)) {
    const { remade } = refusal;
    if (remade?.outcome === 'seal_moved') continue;
    if (remade?.outcome === 'remade') {
      // Marked, its row perhaps never written (a crash between the two): the same row, once.
      if ((await ctx.facts.heldAmong([remade.rowId])).size === 0) await ctx.facts.append('seal_status_change', movedTo(move, remade.at), refusal.row.scopeUnitId);
      continue;
    }
    const at = Math.round(Math.min(move.at + correction.offsetMs, ctx.clock.now()));
    if (at >= move.at || at < 0) continue;
    const again = movedTo(move, at);
    if (!judgeSealMove(await lifecycleHeld(ctx, move.sealId), again).ok) {
      // The seal moved after that time, or from where the move was made: the person's to judge.
      await noteRemade(ctx.db, refusal.row.id, { outcome: 'seal_moved', offsetMs: correction.offsetMs });
      continue;
    }
    const row = await ctx.facts.rowOf('seal_status_change', again, refusal.row.scopeUnitId);
    await noteRemade(ctx.db, refusal.row.id, { outcome: 'remade', rowId: row.id, at, offsetMs: correction.offsetMs });
    await ctx.facts.append('seal_status_change', again, refusal.row.scopeUnitId);
    made += 1;
  }
  return made;
}

/** Runs {@link remakeFutureMoves} one pass at a time (a pass asked for while one runs runs after it). */
export class MoveRemaker {
  #running: Promise<unknown> = Promise.resolve();

  constructor(private readonly ctx: RemakeContext) {}

  run(): Promise<number> {
    const pass = this.#running.then(() => remakeFutureMoves(this.ctx));
    this.#running = pass.catch(() => undefined);
    return pass;
  }

  /** Resolves once no pass runs (before the store closes). */
  async whenIdle(): Promise<void> {
    await this.#running;
  }
}
