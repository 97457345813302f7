/**
 * Which queued attachments may go up now (`readyAmong`), and the facts the others wait for
 * (`FactsAwaited`): the upload queue (`BlobQueue`) asks before each round of uploads.
 */
import type { BlobEntry } from './collections';
import type { FactLog } from './factLog';
import type { LocalBook } from './localBook';
import { passOver, type Queued } from './wholeUploads';

/**
 * The facts queued bytes wait for because this replica does not hold them (they left with their
 * unit): one of them arriving again (pulled back) should wake the queue, and nothing else pulled
 * should — an office replica pulling thousands of photo facts wakes no upload. A fact arriving
 * while a pass reads what is held (it may have read before the fact was written) is noted, and
 * wakes the queue once the pass finds it still awaited.
 */
export class FactsAwaited {
  private awaited: ReadonlySet<string> = new Set();
  private arrivedDuringPass: Set<string> | undefined;

  /** Notes that `factRowId` arrived here: whether the queue should wake for it. */
  arrived(factRowId: string): boolean {
    this.arrivedDuringPass?.add(factRowId);
    return this.awaited.has(factRowId);
  }

  /** A pass begins reading which facts are held. */
  begin(): void {
    this.arrivedDuringPass = new Set();
  }

  /** The pass found `awaited` awaited: whether one of them arrived while it read (the queue should go round again). */
  end(awaited: ReadonlySet<string>): boolean {
    const during = this.arrivedDuringPass ?? new Set<string>();
    this.arrivedDuringPass = undefined;
    this.awaited = awaited;
    return [...during].some((id) => awaited.has(id));
  }
}

/**
 * The queued attachments whose fact the server accepted and this replica holds (one whose unit
 * left the scope waits for it, in `awaited`), having moved bytes on past refused facts and facts
 * not held (`passOver`); `moved` when it did (the queue then reads its entries again); `again`
 * when a fact awaited arrived while this read (the queue goes round once more).
 */
export async function readyAmong(book: LocalBook, facts: FactLog, awaited: FactsAwaited, queued: readonly Queued[]): Promise<{ ready: Queued[]; moved: boolean; again: boolean }> {
  awaited.begin();
  if (queued.length === 0) return { ready: [], moved: false, again: awaited.end(new Set()) };
  const ids = queued.flatMap((blob) => [blob.entry.factRowId, ...(blob.entry.alsoUnder ?? [])]);
  const [waiting, refused, held] = await Promise.all([book.waitingAmong(ids).then((found) => new Set(found)), book.refusalsOf(ids), facts.heldAmong(ids)]);
  const heldElsewhere = (entry: BlobEntry) => (entry.alsoUnder ?? []).some((id) => held.has(id) && !refused.has(id));
  const stuck = queued.filter(({ entry }) => refused.has(entry.factRowId) || (!held.has(entry.factRowId) && heldElsewhere(entry)));
  const moved = await passOver(book, stuck, new Set(refused.keys()), held);
  const left = [...queued.filter((blob) => !stuck.includes(blob)), ...moved];
  const notHeld = left.filter(({ entry }) => !held.has(entry.factRowId) && !waiting.has(entry.factRowId));
  const again = awaited.end(new Set(notHeld.flatMap(({ entry }) => [entry.factRowId, ...(entry.alsoUnder ?? [])])));
  return { ready: left.filter(({ entry }) => !waiting.has(entry.factRowId) && held.has(entry.factRowId)), moved: stuck.length > 0, again };
}
