import type { PushResult, SyncRow } from '@seal/shared';
import type { Refusal, RowDoc } from './collections';
import { ORPHAN_AGE_MS } from './localBook';
import type { PassContext } from './replicationContext';
import { failed } from './replicationParts';
import { asRow, sameRow } from './rowCodec';
import { queueBytesOf } from './requeueAttachments';
import { takeServerCopies } from './serverCopies';

/**
 * The push pass: the outbox, in the order rows were made, a batch per request, one request at a
 * time (the server judges each row against what it holds: a seal's creation must be judged before
 * its first lifecycle fact, ADR 003). `accepted` and `duplicate` leave the outbox; `refused` rows
 * are kept with their reason in `refusals`; a `duplicate` whose stored copy differs replaces the
 * local copy — the server's wins. A batch that fails ends the pass: it and everything after it go
 * up again, in order.
 */
export function pushPass({ db, book, client, status, gate, now, stopped, ready, held, batchSize: pushBatch, afterRefusals }: PassContext): () => Promise<void> {
  /**
   * The rows of a batch of outbox entries. An entry is written before its row (so that a row is
   * never left uncounted): one whose row is not written yet goes up in the pass its row's write
   * asks for; one without a row for a minute was left by a crash, and waits for nothing.
   */
  async function readBatch(entries: readonly { key: string; at: number }[]): Promise<SyncRow[]> {
    // The age first: a pass stalled after the read below must not take an entry whose row came since.
    const before = now() - ORPHAN_AGE_MS;
    const found = await db.rows.findByIds(entries.map((entry) => entry.key)).exec();
    if (found.size < entries.length) await book.removeOrphans(entries.filter((entry) => !found.has(entry.key)), before);
    const rows = entries.flatMap((entry) => {
      const doc = found.get(entry.key);
      return doc ? [asRow(doc.toJSON())] : [];
    });
    // An attachment fact goes only with its bytes queued (`queueBytesOf`): done as its batch is
    // read, while the batch before it is on its way. A write that fails here (storage full) fails
    // the pass when the batch is taken to be sent, and says so in the status then.
    await queueBytesOf(book, rows);
    return rows;
  }

  /** Sends a batch; resolves once the server answered, with the write of what the answer means locally (not awaited). */
  async function send(sent: readonly SyncRow[]): Promise<{ readonly written: Promise<void> }> {
    gate.refuseWhileSignedOut();
    // Accepted, a row is the server's like any pulled row: its unit is noted before it goes.
    await held.note(sent.map((row) => row.scopeUnitId));
    const sentIn = gate.epoch;
    let response;
    try {
      response = await client.push(sent);
    } catch (error) {
      return gate.check(error, sentIn);
    }
    status.update({ connection: 'online', lastError: null });
    const refusals: Refusal[] = [];
    const serverCopies: RowDoc[] = [];
    const byId = new Map(sent.map((row) => [row.id, row]));
    response.results.forEach((result: PushResult) => {
      if (result.status === 'refused') {
        const row = byId.get(result.id);
        if (row) refusals.push({ code: result.code, message: result.message, row });
      } else if (result.status === 'duplicate' && result.stored && !sameRow(result.stored, byId.get(result.id) ?? result.stored)) {
        serverCopies.push(asRow(result.stored));
      }
    });
    const written = (async () => {
      if (refusals.length > 0) await book.putRefusals(refusals);
      if (serverCopies.length > 0) {
        // The server's copy may lie in another unit than the row sent (a fact recorded first elsewhere).
        await held.note(serverCopies.map((row) => row.scopeUnitId), () => db.rows.bulkUpsert(serverCopies));
      }
      await book.removeFromOutbox(response.results.map((result) => result.id));
      // A row whose server copy a pull kept aside (another body under its id) was answered: the
      // server's copy takes its place now. Never one answered `accepted`: the server held none.
      await takeServerCopies(db, book, held, response.results.filter((result) => result.status !== 'accepted').map((result) => result.id));
      // Moves refused for their date are made again, dated by the clock this answer corrected
      // (`remakeFutureMoves`); what fails there is tried again at the next pass, never fails this one.
      if (refusals.length > 0) await afterRefusals?.(refusals).catch(() => undefined);
    })();
    written.catch(() => undefined);
    return { written };
  }

  /**
   * Everything waiting, in order. While a batch is on its way, the next one is read; while the
   * next one is on its way, the answer to the last is written (refusals, server copies, outbox).
   */
  return async function pass(): Promise<void> {
    await ready;
    const waiting = await book.outboxEntries();
    const read = (from: number): Promise<SyncRow[]> | undefined => {
      if (from >= waiting.length) return undefined;
      const reading = readBatch(waiting.slice(from, from + pushBatch));
      reading.catch(() => undefined);
      return reading;
    };
    let next = read(0);
    let written: Promise<void> = Promise.resolve();
    try {
      for (let from = 0; next !== undefined && !stopped(); from += pushBatch) {
        const batch = await next.catch((error: unknown) => failed(status, error));
        next = read(from + pushBatch);
        if (batch.length === 0) continue;
        const answered = await send(batch);
        await written;
        ({ written } = answered);
      }
    } finally {
      await written;
    }
  };
}
