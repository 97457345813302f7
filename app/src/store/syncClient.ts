import type { z } from 'zod';
import {
  BLOB_CHUNK_BYTES, blobBatchResponseSchema, blobChunkResponseSchema, blobStatusSchema, pullResponseSchema, pushResponseSchema, REPLICA_USER_HEADER,
  type BlobBatchResponse, type BlobStatus, type PullResponse, type PushResponse, type SyncRow,
} from '@seal/shared';
import { ApiError } from '../api/ApiError';
import { bytesRequestInit, deadlineMs, jsonRequestInit, readAnswer, REQUEST_DEADLINE, utf8Length, type RequestDeadline } from '../api/request';
import type { ServerClock } from './serverClock';

/**
 * How long a sync request may go unanswered before it counts as lost and is tried again: a
 * half-open connection (the tablet moved to another network, the site's hotspot dropped, a proxy
 * stalled) never answers, and would hold the sync still forever. `baseMs`, plus the time the
 * request's and its answer's bytes take at `bytesPerSecond` — a slow site link (8 KiB/s, about
 * 64 kbit/s) still completes a large push, never timed out over and over. The API's one rule
 * (`RequestDeadline` in api/request), which its other calls follow too.
 */
export type SyncDeadline = RequestDeadline;
export const SYNC_DEADLINE: SyncDeadline = REQUEST_DEADLINE;
export { deadlineMs };

/** Most bytes a pulled row is counted at when a pull's deadline is set (facts are a few KiB at most). */
const PULL_ROW_BYTES = 4 * 1024;

/** How the store reaches the sync-server: injected, so the same code runs in the browser and in Node. */
export interface SyncTransport {
  /** The server's origin (`''` in the browser: same origin). */
  readonly baseUrl: string;
  /** `fetch` (the browser's, or one that adds a session cookie in Node tests). */
  readonly fetch: typeof fetch;
  /** When a request counts as lost (default {@link SYNC_DEADLINE}). */
  readonly deadline?: SyncDeadline;
}

/** The sync-server's replication API. */
export class SyncClient {
  /** What deadlines are multiplied by now (see `call`). */
  #patience = 1;

  /**
   * @param replicaId - this opening of the local store's id: the server leaves the rows it pushed out of its pulls
   * @param userId - the user this replica belongs to, sent with every request: the server refuses
   *   (401 `replica_user_mismatch`) a session of anyone else, e.g. after another tab signed in
   * @param clock - learns the server's clock from the push and pull answers (`serverTime`)
   */
  constructor(private readonly transport: SyncTransport, private readonly replicaId?: string, private readonly userId?: string, private readonly clock?: Pick<ServerClock, 'deviceTime' | 'observe'>) {}

  get baseUrl(): string {
    return this.transport.baseUrl;
  }

  push(rows: readonly SyncRow[]): Promise<PushResponse> {
    return this.call('POST', '/api/sync/push', pushResponseSchema, { rows, ...(this.replicaId ? { replica: this.replicaId } : {}) }, 0, true);
  }

  /** @param scopeRef - the `scopeRef` of the scope this replica holds, if any */
  pull(since: string | undefined, limit: number, scopeRef?: string): Promise<PullResponse> {
    const query = new URLSearchParams({ limit: String(limit), ...(since === undefined ? {} : { since }), ...(this.replicaId ? { replica: this.replicaId } : {}), ...(scopeRef ? { scopeRef } : {}) });
    return this.call('GET', `/api/sync/pull?${query.toString()}`, pullResponseSchema, undefined, limit * PULL_ROW_BYTES, true);
  }

  blobStatus(sha256: string, factRowId: string): Promise<BlobStatus> {
    return this.call('GET', `/api/sync/blobs/${sha256}?fact=${encodeURIComponent(factRowId)}`, blobStatusSchema);
  }

  putChunk(sha256: string, index: number, factRowId: string, data: string): Promise<BlobStatus> {
    return this.call('PUT', `/api/sync/blobs/${sha256}/chunks/${index}?fact=${encodeURIComponent(factRowId)}`, blobStatusSchema, { data });
  }

  /**
   * Consecutive chunks from `from` (at most `BLOB_CHUNKS_PER_REQUEST`) in one request, as their
   * bytes one after the other (see `chunkSpans`).
   */
  putBytes(sha256: string, from: number, factRowId: string, bytes: Uint8Array): Promise<BlobStatus> {
    return this.call('PUT', `/api/sync/blobs/${sha256}/bytes?fact=${encodeURIComponent(factRowId)}&from=${from}`, blobStatusSchema, bytes);
  }

  /**
   * Whole attachments in one request (`attachments` as `blobBatchQuery` names them), their bytes
   * one after the other: one answer each, in order.
   */
  putWholeBlobs(attachments: string, bytes: Uint8Array): Promise<BlobBatchResponse> {
    return this.call('PUT', `/api/sync/blobs?attachments=${encodeURIComponent(attachments)}`, blobBatchResponseSchema, bytes);
  }

  async getChunk(sha256: string, index: number, factRowId: string): Promise<string> {
    return (await this.call('GET', `/api/sync/blobs/${sha256}/chunks/${index}?fact=${encodeURIComponent(factRowId)}`, blobChunkResponseSchema, undefined, Math.ceil((BLOB_CHUNK_BYTES * 4) / 3))).data;
  }

  /** Opens the live stream (the caller reads it; see `openHintStream`). */
  openStream(signal: AbortSignal): Promise<Response> {
    // Named, the replica is not hinted about rows it pushed itself (its pulls leave them out).
    const query = this.replicaId ? `?${new URLSearchParams({ replica: this.replicaId }).toString()}` : '';
    return this.transport.fetch(`${this.transport.baseUrl}/api/sync/stream${query}`, {
      headers: { accept: 'text/event-stream', ...this.bindingHeader() },
      credentials: 'same-origin',
      cache: 'no-store',
      signal,
    });
  }

  private bindingHeader(): Record<string, string> {
    return this.userId === undefined ? {} : { [REPLICA_USER_HEADER]: this.userId };
  }

  /**
   * One request; its answer read with `schema`, or an `ApiError` (see `readAnswer`): `network`
   * also when it went unanswered past its deadline (the body's bytes and `answerBytes`). Each
   * request given up so doubles the next ones' deadlines (up to {@link MAX_PATIENCE}×) until one
   * is answered: a link slower than the deadline assumes still gets its requests through, rather
   * than sending the same request to the same end over and over. With `tellsTime`, the server's
   * time in the answer (`serverTime`) teaches the clock, when the answer came from where it was
   * asked (not redirected, not another origin's): the sync routes answer only a signed-in replica.
   */
  private async call<S extends z.ZodType>(method: 'GET' | 'POST' | 'PUT', path: string, schema: S, body?: unknown, answerBytes = 0, tellsTime = false): Promise<z.output<S>> {
    const init = body instanceof Uint8Array ? bytesRequestInit(method, body) : jsonRequestInit(method, body);
    const bytes = (typeof init.body === 'string' ? utf8Length(init.body) : body instanceof Uint8Array ? body.length : 0) + answerBytes;
    const deadline = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      deadline.abort(new DOMException('the sync request got no answer in time', 'TimeoutError'));
    }, deadlineMs(bytes, this.transport.deadline) * this.#patience);
    let fromHere = false;
    const sentAt = this.clock?.deviceTime();
    try {
      const answer = await readAnswer(`${method} ${path}`, schema, async () => {
        const response = await this.transport.fetch(`${this.transport.baseUrl}${path}`, { ...init, signal: deadline.signal, headers: { ...(init.headers as Record<string, string>), ...this.bindingHeader() } });
        fromHere = !response.redirected && (response.type === 'basic' || response.type === 'default');
        return response;
      });
      this.#patience = 1;
      const serverTime = (answer as { serverTime?: unknown }).serverTime;
      if (tellsTime && fromHere && this.clock !== undefined && sentAt !== undefined && typeof serverTime === 'number') {
        this.clock.observe({ sentAt, receivedAt: this.clock.deviceTime(), serverTime });
      }
      return answer;
    } catch (error) {
      // Given up here, or by the server waiting for the request to arrive (408): a slower link than assumed.
      if (timedOut || (error instanceof ApiError && error.status === 408)) this.#patience = Math.min(MAX_PATIENCE, this.#patience * 2);
      else if (error instanceof ApiError && error.status !== 0) this.#patience = 1;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** How far deadlines grow after requests given up in a row (16×: a 30 s request waits 8 minutes). */
const MAX_PATIENCE = 16;
