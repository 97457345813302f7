import { chunkCount, type SyncRow } from '@seal/shared';
import type { BlobEntry } from './collections';
import type { LocalBook } from './localBook';

type Shape = Pick<BlobEntry, 'mime' | 'size' | 'chunks'>;

/**
 * Queues the bytes `sha` to go up under the fact `factRowId`. Bytes held here already (uploaded or
 * downloaded under another fact) go up again under this one: the server opens bytes only to the
 * readers of a fact whose own upload delivered them, so every fact made here must upload. The
 * entry is inserted, or changed as it stands (another tab's write meanwhile is kept).
 */
export async function queueBytesUnder(book: LocalBook, sha: string, factRowId: string, shape: Shape): Promise<void> {
  if ((await book.blob(sha)) === undefined && (await book.putBlob(sha, { ...shape, factRowId, state: 'queued' }))) return;
  // On the entry as it stands: an upload under way may note it up meanwhile, and this fact must not be lost.
  await book.changeBlobs([sha], (_sha, held) => {
    if (held.state !== 'queued') return held.factRowId === factRowId && held.state === 'uploaded' ? undefined : { ...shape, factRowId, state: 'queued' };
    if (held.factRowId === factRowId || held.alsoUnder?.includes(factRowId)) return undefined;
    return { ...held, alsoUnder: [...(held.alsoUnder ?? []), factRowId] };
  });
}

/** Whether `entry` has the bytes going (or gone, or refused) under the fact `rowId`. */
const underFact = (entry: BlobEntry, rowId: string): boolean =>
  entry.factRowId === rowId || (entry.state === 'queued' && (entry.alsoUnder ?? []).includes(rowId));

/**
 * Before attachment facts made here go up: queues the bytes of any that are queued under no
 * fact. An attachment is kept as its bytes, then its fact, then its place in the queue; the app
 * may close between the last two (or that write fail, storage full), and the fact then went up
 * while its bytes never did — HQ saw a photo it could never open, the tablet nothing waiting.
 * Every fact goes up through here, whichever tab pushes it: one read of the batch's entries; a
 * write that fails fails the push, and the fact waits with its bytes.
 */
export async function queueBytesOf(book: LocalBook, rows: readonly SyncRow[]): Promise<void> {
  const facts = rows.flatMap((row) => {
    if (row.type !== 'fact' || row.kind !== 'attachment') return [];
    const { sha256, mime, size } = row.body as { sha256: string; mime: string; size: number };
    return [{ id: row.id, sha256, mime, size }];
  });
  if (facts.length === 0) return;
  // The entries as they stand (changing none).
  const entries = await book.changeBlobs([...new Set(facts.map((fact) => fact.sha256))], () => undefined);
  const unqueued = facts.filter(({ id, sha256 }) => {
    const entry = entries.get(sha256);
    return entry === undefined || !underFact(entry, id);
  });
  if (unqueued.length === 0) return;
  // Only bytes held here whole (a fact made here always kept them first): each fact's last chunk by its own size, in one read.
  const last = await book.chunksAt(unqueued.map(({ sha256, size }) => ({ sha: sha256, index: chunkCount(size) - 1 })));
  for (const [at, { id, sha256: sha, mime, size }] of unqueued.entries()) {
    if (last[at] !== undefined) await queueBytesUnder(book, sha, id, { mime, size, chunks: chunkCount(size) });
  }
}
