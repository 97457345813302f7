import { chunkCount, factRowId } from '@seal/shared';
import type { BlobEntry, SealDatabase } from './collections';
import type { LocalBook } from './localBook';

const ATTACHMENT_ROWS = factRowId('attachment', '');

/** Queues bytes under an attachment fact (`BlobQueue.queueUnder`). */
export type QueueUnder = (sha: string, factRowId: string, shape: Pick<BlobEntry, 'mime' | 'size' | 'chunks'>) => Promise<void>;

/** Whether `entry` has the bytes going (or gone) up under the fact `rowId`. */
const underFact = (entry: BlobEntry, rowId: string): boolean =>
  entry.state === 'queued' ? entry.factRowId === rowId || (entry.alsoUnder ?? []).includes(rowId) : entry.state === 'uploaded' && entry.factRowId === rowId;

/**
 * Queues again the bytes of attachment facts made here that still wait to go up but are queued
 * under no fact: an attachment is kept as its bytes, then its fact, then the bytes' place in the
 * queue, and the app may close (or the last write fail, storage full) between the last two. Left
 * so, the fact went up and HQ saw a photo whose bytes never came, while the tablet showed nothing
 * waiting. Run as the store opens, before any push: one read of the waiting attachment facts, and
 * of the entries of their bytes.
 */
export async function requeueAttachments(db: SealDatabase, book: LocalBook, queueUnder: QueueUnder): Promise<number> {
  const waiting = (await book.outboxInOrder()).filter((id) => id.startsWith(ATTACHMENT_ROWS));
  if (waiting.length === 0) return 0;
  const rows = await db.rows.findByIds(waiting).exec();
  let queued = 0;
  for (const [rowId, doc] of rows) {
    const { sha256: sha, mime, size } = (doc.toJSON() as unknown as { body: { sha256: string; mime: string; size: number } }).body;
    const entry = await book.blob(sha);
    if (entry !== undefined && underFact(entry, rowId)) continue;
    const chunks = chunkCount(size);
    // Only bytes held here whole (a fact made here always kept them first).
    if ((await book.chunk(sha, chunks - 1)) === undefined) continue;
    await queueUnder(sha, rowId, { mime, size, chunks });
    queued++;
  }
  return queued;
}
