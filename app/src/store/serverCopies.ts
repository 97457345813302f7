import type { SyncRow } from '@seal/shared';
import type { SealDatabase } from './collections';
import type { HeldUnits } from './heldUnits';
import type { LocalBook } from './localBook';
import { asRow } from './rowCodec';

/**
 * The server's copy of a row this replica still waits to push with another identity under its id
 * (`sameIdentity`: another body recorded first elsewhere, or a device's log forked — two signed
 * bodies for one entry). Same identity, other envelope (the same fact recorded on two replicas)
 * is not one of them: the pull puts the server's copy in place and the row leaves the outbox.
 *
 * A pull that brings such a row does not put the server's copy in place of the local one at once,
 * nor take the local one out of the outbox: the local body would then be dropped unseen, and the
 * server would never judge it. It goes up first: the server refuses it (`fact_conflict`, with an
 * alarm, `log_fork` for a device entry, when it passes the other checks) and the refusal keeps it
 * on this device with its reason. Then the server's copy, kept aside in the book (it survives a
 * restart between the pull and the push), takes its place.
 */
const PREFIX = 'serverCopy:';

/** Keeps the server's copies of `rows` aside until their local bodies were answered. */
export async function holdBackServerCopies(book: LocalBook, rows: readonly SyncRow[]): Promise<void> {
  if (rows.length > 0) await book.setStates(rows.map((row) => ({ name: `${PREFIX}${row.id}`, value: row })));
}

/**
 * Puts the server's copies kept for `rowIds` in place of the local rows, and forgets them. Called
 * once a push answered them (after they left the outbox), and by the pull that kept them aside for
 * those that left the outbox meanwhile (a push answered between its look and its write). Both
 * may: the copy is the same row either way.
 */
export async function takeServerCopies(db: SealDatabase, book: LocalBook, held: HeldUnits, rowIds: readonly string[]): Promise<void> {
  if (rowIds.length === 0) return;
  const kept = await book.statesNamed(rowIds.map((id) => `${PREFIX}${id}`));
  await take(db, book, held, kept);
}

/**
 * Takes every copy kept aside whose row no longer waits to go up: one whose push answer was
 * written but not the copy (the app closed in between, or the write failed), or kept by a tab of
 * an older build. Run as each pull begins (one read of the book when none is kept).
 */
export async function sweepServerCopies(db: SealDatabase, book: LocalBook, held: HeldUnits): Promise<void> {
  const kept = await book.statesUnder(PREFIX);
  if (kept.length === 0) return;
  const waiting = new Set(await book.waitingAmong(kept.map((state) => state.name.slice(PREFIX.length))));
  await take(db, book, held, new Map(kept.filter((state) => !waiting.has(state.name.slice(PREFIX.length))).map((state) => [state.name, state.value])));
}

async function take(db: SealDatabase, book: LocalBook, held: HeldUnits, kept: ReadonlyMap<string, unknown>): Promise<void> {
  if (kept.size === 0) return;
  const copies = [...kept.values()].map((value) => asRow(value));
  // The server's copy may lie in another unit than the local row (a fact recorded first elsewhere).
  await held.note(copies.map((row) => row.scopeUnitId), () => db.rows.bulkUpsert(copies));
  await book.removeStates([...kept.keys()]);
}
