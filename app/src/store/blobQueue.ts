import { auditTime, filter, merge, type Subscription } from 'rxjs';
import { Backoff, BLOB_CHUNK_BYTES, chunkCount, sleep, sha256, toBase64Url, toHex, type AttachmentMeta, type BlobStatus } from '@seal/shared';
import type { BlobEntry } from './collections';
import type { FactLog } from './factLog';
import type { LocalBook } from './localBook';
import { StoreError } from './StoreError';
import { ApiError } from '../api/ApiError';
import type { SyncClient } from './syncClient';
import type { SyncStatus } from './syncStatus';
import { UploadProgress } from './uploadProgress';
import { missingRuns } from './missingRuns';
import { queueBytesUnder } from './requeueAttachments';
import { FactsAwaited, readyAmong } from './readyUploads';
import { BlobNotCompleteError, decodeInto, noteUploaded, uploadsOf, uploadWholes } from './wholeUploads';

/** What to attach: the bytes, what they belong to, their type. */
export interface AttachmentInput {
  readonly bytes: Uint8Array;
  /** The record the attachment belongs to, e.g. `request:R1`. */
  readonly about: string;
  readonly mime: AttachmentMeta['mime'];
  readonly name?: string;
  /**
   * The time the attachment stands for (default: now). Evidence that every tablet reading it
   * describes alike — a stamp's photo, at the stamp's time — gets the same content-addressed
   * fact on each, so it is recorded and uploaded once however many tablets read it.
   */
  readonly at?: number;
}

/** How long the queue lets answers gather before a pass (see the constructor). */
const ANSWERS_TOGETHER_MS = 20;
/** How many uploads are in flight at once: an attachment, or a batch of up to `BLOB_BATCH_ATTACHMENTS` (see `BlobQueue.drain`). */
export const UPLOADS_IN_FLIGHT = 8;

/** The byte length of chunk `index` of an attachment of `size` bytes. */
const chunkLength = (size: number, index: number): number => Math.min(BLOB_CHUNK_BYTES, size - index * BLOB_CHUNK_BYTES);

/**
 * A failure that concerns one attachment only (the server refused or has not assembled it): the
 * others may still go up. Anything else (offline, signed out, rate limited, the server failing)
 * would fail them all alike.
 */
function isAboutThisBlob(error: unknown): boolean {
  if (error instanceof BlobNotCompleteError || error instanceof StoreError) return true;
  return error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 429;
}

/**
 * Attachment bytes (photos, PDFs): kept locally in chunks, described by an `attachment` fact that
 * replicates with the other rows, and uploaded by their own queue only once the server answered
 * that fact — so bytes never hold up facts. Small ones not yet begun go several whole to a request
 * (`wholeUploads.ts`), others run by run; an upload cut off asks the server first which chunks it
 * holds, so that an upload interrupted at any point resumes where it stopped.
 */
export class BlobQueue {
  private running = false;
  private stopped = false;
  private wake: (() => void) | undefined;
  /**
   * Set by every wake-up, cleared as a pass begins: one that comes while a pass runs (after it
   * read which facts the server answered, before the loop waits again) is not lost — the loop
   * goes round again instead of waiting for the next one.
   */
  private woken = false;
  /** The client of the running sync (set by `start`), for bytes not held here. */
  private client: SyncClient | undefined;
  private readonly subscription: Subscription;
  /** The facts bytes wait for, not held here (see `readyAmong`). */
  private readonly awaited = new FactsAwaited();
  private readonly progress = new UploadProgress();

  constructor(
    private readonly book: LocalBook,
    private readonly facts: FactLog,
    private readonly now: () => number,
  ) {
    // An answered fact may let its bytes go. A push's answers leave the outbox in several writes:
    // taken together, so that a pass does not see only the first write's facts ready.
    // Bytes that wait for their fact to be held here (it left with its unit) may go once it is
    // back: a pull bringing back one of the facts they wait for wakes the queue too (`FactsAwaited`).
    const factsBack = facts.attachmentsArrived$().pipe(filter((factRowId) => this.awaited.arrived(factRowId)));
    this.subscription = merge(book.answered$(), factsBack).pipe(auditTime(ANSWERS_TOGETHER_MS)).subscribe(() => this.wakeUp());
  }

  /** Keeps the bytes, records the attachment fact, and queues the bytes to go up after it. */
  async add(input: AttachmentInput, scopeUnitId: string): Promise<{ readonly factRowId: string; readonly sha256: string }> {
    const sha = toHex(await sha256(input.bytes));
    const chunks = chunkCount(input.bytes.length);
    if (!(await this.book.blob(sha))) {
      await this.book.putChunks(sha, Array.from({ length: chunks }, (_, i) => toBase64Url(input.bytes.subarray(i * BLOB_CHUNK_BYTES, (i + 1) * BLOB_CHUNK_BYTES))));
    }
    const { row } = await this.facts.append('attachment', {
      sha256: sha, about: input.about, mime: input.mime, size: input.bytes.length, at: input.at ?? this.now(), ...(input.name ? { name: input.name } : {}),
    }, scopeUnitId);
    await this.queueUnder(sha, row.id, { mime: input.mime, size: input.bytes.length, chunks });
    this.wakeUp();
    return { factRowId: row.id, sha256: sha };
  }

  /** Queues the bytes to go up under the fact `factRowId` (`queueBytesUnder`). */
  queueUnder(sha: string, factRowId: string, shape: Pick<BlobEntry, 'mime' | 'size' | 'chunks'>): Promise<void> {
    return queueBytesUnder(this.book, sha, factRowId, shape);
  }

  /** The bytes of an attachment: held here, or fetched from the server chunk by chunk, checked and kept. */
  async bytes(sha: string, factRowId: string, client: SyncClient): Promise<Uint8Array> {
    const held = await this.localBytes(sha);
    if (held) return held;
    const status = await client.blobStatus(sha, factRowId);
    // Not delivered under this fact yet (its tablet is still sending them): nothing to fetch, and
    // asking for a chunk would only be refused.
    if (!status.complete) throw new StoreError('not_uploaded', `the bytes of ${sha} are not on the server yet`);
    const parts: string[] = [];
    for (let index = 0; index < status.chunks; index++) parts.push(await client.getChunk(sha, index, factRowId));
    const whole = new Uint8Array(status.size);
    if (decodeInto(parts, whole) !== status.size || toHex(await sha256(whole)) !== sha) throw new StoreError('invalid_fact', `the downloaded bytes do not hash to ${sha}`);
    await this.book.putChunks(sha, parts);
    // Never over an entry written meanwhile (the same bytes queued to go up in another tab).
    await this.book.putBlob(sha, { factRowId, mime: 'application/octet-stream', size: status.size, chunks: status.chunks, state: 'downloaded' });
    return whole;
  }

  /**
   * The bytes of an attachment for a screen: held here, or (online, once the sync started)
   * fetched from the server and checked against their hash; `undefined` when neither can be.
   */
  async open(sha: string, factRowId: string): Promise<Uint8Array | undefined> {
    const held = await this.localBytes(sha);
    if (held) return held;
    return this.client === undefined ? undefined : this.bytes(sha, factRowId, this.client);
  }

  /** Runs the upload loop until `stop`; after a failure it waits `retryTimeMs` (or a wake-up). */
  start(client: SyncClient, status: SyncStatus, retryTimeMs = 5000): void {
    if (this.running || this.stopped) return;
    this.running = true;
    this.client = client;
    void this.loop(client, status, new Backoff({ initialDelayMs: retryTimeMs, maxDelayMs: retryTimeMs, factor: 1 }));
  }

  /** Something may let bytes go: the loop runs a pass now, or right after the one under way. */
  private wakeUp(): void {
    this.woken = true;
    this.wake?.();
  }

  stop(): void {
    this.stopped = true;
    this.subscription.unsubscribe();
    this.wake?.();
  }

  /**
   * Uploads every queued attachment whose fact the server accepted; resolves when none of those is
   * left. Several uploads are in flight at once (`UPLOADS_IN_FLIGHT`), each an attachment's chunks
   * in order or a batch of whole attachments (`uploadsOf`): an upload spends
   * most of its time waiting on the network and the server's store, so one at a time leaves both
   * idle. An attachment the server refuses (or has not assembled yet) does not hold the others
   * up; a failure that is not about one attachment (offline, signed out, the server failing)
   * stops handing out more. Either way the first failure is thrown once the uploads in flight
   * have ended, and the loop tries again later.
   */
  async drain(client: SyncClient, status: SyncStatus): Promise<void> {
    for (;;) {
      const queued = await this.book.queuedBlobs();
      this.progress.begin(queued.map((blob) => blob.entry.size));
      this.progress.publish(status);
      const { ready, moved, again } = await readyAmong(this.book, this.facts, this.awaited, queued);
      if (again) this.wakeUp();
      if (ready.length === 0 && moved) continue;
      if (ready.length === 0) return;
      const uploads = uploadsOf(ready);
      let next = 0;
      let failure: { readonly error: unknown } | undefined;
      let stopped = false;
      /** What became of one attachment: up (or queued again under the next fact naming it), or failed. */
      const settled = (sha: string, size: number, outcome: { again: boolean } | { error: unknown }): void => {
        if ('error' in outcome) {
          this.progress.failed(sha);
          failure ??= { error: outcome.error };
          if (!isAboutThisBlob(outcome.error)) stopped = true;
        } else if (outcome.again) {
          // Queued again under the next fact naming the same bytes: still waiting, counted as such.
          this.progress.failed(sha);
        } else {
          this.progress.finished(sha, size);
        }
      };
      const uploader = async (): Promise<void> => {
        while (!stopped && !this.stopped && next < uploads.length) {
          const upload = uploads[next++]!;
          if ('one' in upload) {
            const { sha, entry } = upload.one;
            settled(sha, entry.size, await this.upload(sha, entry, client, status).then((again) => ({ again }), (error: unknown) => ({ error })));
          } else {
            const outcomes = await uploadWholes(this.book, client, upload.batch).catch((error: unknown) => upload.batch.map(() => ({ error })));
            upload.batch.forEach(({ sha, entry }, i) => settled(sha, entry.size, outcomes[i]!));
          }
          this.progress.publish(status);
        }
      };
      await Promise.all(Array.from({ length: Math.min(UPLOADS_IN_FLIGHT, uploads.length) }, uploader));
      if (failure !== undefined) throw failure.error;
      if (this.stopped) return;
    }
  }

  private async loop(client: SyncClient, status: SyncStatus, backoff: Backoff): Promise<void> {
    while (!this.stopped) {
      let delay: number | undefined;
      this.woken = false;
      try {
        await this.drain(client, status);
        backoff.reset();
      } catch (error) {
        // Offline, or the server failed: the bytes wait and the facts go on without them.
        if (!(error instanceof ApiError) && !(error instanceof BlobNotCompleteError)) console.warn('Attachment upload failed', error);
        delay = backoff.next();
      }
      if (this.stopped) return;
      // Woken while the pass ran: its answer may be one the pass read too early.
      if (this.woken) continue;
      // Until the retry is due (after a failure) or, either way, until something wakes the queue.
      const asleep = new AbortController();
      this.wake = () => {
        this.wake = undefined;
        asleep.abort();
      };
      await sleep(delay ?? Infinity, asleep.signal).catch(() => undefined);
    }
  }

  /**
   * Sends the chunks the server lacks. Done only when the SERVER says the upload is complete (it
   * assembled and checked the bytes): "every chunk is held" is not enough, as a server that
   * stored the last chunk and failed before assembling would otherwise keep them unassembled for
   * ever. Asking again makes the server assemble what it holds. Resolves `true` when the bytes
   * are queued again, under the next fact made here that names them.
   */
  private async upload(sha: string, blob: BlobEntry, client: SyncClient, status: SyncStatus): Promise<boolean> {
    let server: BlobStatus | undefined;
    if (blob.startedUnder === blob.factRowId) {
      server = await client.blobStatus(sha, blob.factRowId);
    } else {
      // Noted before anything is sent (if this upload is cut off, its next attempt asks first), on
      // the entry as it stands: one up already, or queued under another fact meanwhile, is left.
      const ours = (held: BlobEntry) => held.state === 'queued' && held.factRowId === blob.factRowId;
      const now = (await this.book.changeBlobs([sha], (_sha, held) => (ours(held) ? { ...held, startedUnder: blob.factRowId } : undefined))).get(sha);
      if (now === undefined || !ours(now)) return now?.state === 'queued';
    }
    if (server?.complete !== true) {
      for (const run of missingRuns(blob.chunks, server?.received ?? [])) {
        // Sent as bytes, a third smaller than their text and parsed by neither side.
        const chunks = await this.book.chunksAt(run.map((index) => ({ sha, index })));
        const missing = chunks.indexOf(undefined);
        if (missing !== -1) throw new StoreError('invalid_fact', `chunk ${run[missing]!} of ${sha} is missing here`);
        // Each chunk decoded into its place; a copy here that does not spell the run's length is damaged, and not sent.
        const bytes = new Uint8Array(run.reduce((sum, index) => sum + chunkLength(blob.size, index), 0));
        if (decodeInto(chunks as string[], bytes) !== bytes.length) throw new StoreError('invalid_fact', `chunks ${run[0]!}–${run.at(-1)!} of ${sha} are damaged here`);
        server = await client.putBytes(sha, run[0]!, blob.factRowId, bytes);
        if (server.complete) break;
        this.progress.sent(sha, run.reduce((sum, index) => sum + chunkLength(blob.size, index), 0));
        this.progress.publish(status);
      }
      if (server?.complete !== true) server = await client.blobStatus(sha, blob.factRowId);
    }
    // Still not complete: the queue waits and asks again (the loop's retry), nothing is resent blindly.
    if (!server.complete) throw new BlobNotCompleteError(sha, server.received.length, server.chunks);
    return (await noteUploaded(this.book, [{ sha, entry: blob }]))[0]!;
  }

  private async localBytes(sha: string): Promise<Uint8Array | undefined> {
    const blob = await this.book.blob(sha);
    if (!blob) return undefined;
    const chunks = await this.book.chunks(sha);
    if (chunks.length !== blob.chunks) return undefined;
    // A copy whose chunks do not spell its size is damaged: said so, never shown (nor replaced
    // by a download, which would write over the entry of an upload still queued).
    const whole = new Uint8Array(blob.size);
    if (decodeInto(chunks, whole) !== blob.size) throw new StoreError('invalid_fact', `the copy of ${sha} held here is damaged`);
    return whole;
  }
}
