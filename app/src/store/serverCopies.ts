import type { SyncRow } from '@seal/shared';
import type { SealDatabase } from './collections';
import type { HeldUnits } from './heldUnits';
import type { LocalBook } from './localBook';
import { asRow } from './rowCodec';

/**
 * The server's copy of a row this replica still waits to push with another body (another replica
 * recorded the same fact first, or a device's log forked: two signed bodies for one entry).
 *
 * A pull that brings such a row does not put the server's copy in place of the local one at once,
 * nor take the local one out of the outbox: the local body would then be dropped unseen, and the
 * server would never judge it. It goes up first: the server refuses it (`fact_conflict`, or
 * `log_fork` for a device entry) and raises the alarm; the refusal keeps it on this device with
 * its reason. Then the server's copy, kept aside in the book (it survives a restart between the
 * pull and the push), takes its place, as it would have.
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
  const names = [...(await book.statesHeld(rowIds.map((id) => `${PREFIX}${id}`)))];
  if (names.length === 0) return;
  const copies: SyncRow[] = [];
  for (const name of names) {
    const value = await book.state(name);
    if (value !== undefined) copies.push(asRow(value));
  }
  // The server's copy may lie in another unit than the local row (a fact recorded first elsewhere).
  await held.note(copies.map((row) => row.scopeUnitId), () => db.rows.bulkUpsert(copies));
  await book.removeStates(names);
}
