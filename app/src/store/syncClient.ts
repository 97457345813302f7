import type { z } from 'zod';
import {
  blobChunkResponseSchema, blobStatusSchema, pullResponseSchema, pushResponseSchema, REPLICA_USER_HEADER,
  type BlobStatus, type PullResponse, type PushResponse, type SyncRow,
} from '@seal/shared';
import { jsonRequestInit, readAnswer } from '../api/request';

/** How the store reaches the sync-server: injected, so the same code runs in the browser and in Node. */
export interface SyncTransport {
  /** The server's origin (`''` in the browser: same origin). */
  readonly baseUrl: string;
  /** `fetch` (the browser's, or one that adds a session cookie in Node tests). */
  readonly fetch: typeof fetch;
}

/** The sync-server's replication API. */
export class SyncClient {
  /**
   * @param replicaId - this local database's id: the server leaves the rows it pushed out of its pulls
   * @param userId - the user this replica belongs to, sent with every request: the server refuses
   *   (401 `replica_user_mismatch`) a session of anyone else, e.g. after another tab signed in
   */
  constructor(private readonly transport: SyncTransport, private readonly replicaId?: string, private readonly userId?: string) {}

  get baseUrl(): string {
    return this.transport.baseUrl;
  }

  push(rows: readonly SyncRow[]): Promise<PushResponse> {
    return this.call('POST', '/api/sync/push', pushResponseSchema, { rows, ...(this.replicaId ? { replica: this.replicaId } : {}) });
  }

  /** @param scopeRef - the `scopeRef` of the scope this replica holds, if any */
  pull(since: string | undefined, limit: number, scopeRef?: string): Promise<PullResponse> {
    const query = new URLSearchParams({ limit: String(limit), ...(since === undefined ? {} : { since }), ...(this.replicaId ? { replica: this.replicaId } : {}), ...(scopeRef ? { scopeRef } : {}) });
    return this.call('GET', `/api/sync/pull?${query.toString()}`, pullResponseSchema);
  }

  blobStatus(sha256: string, factRowId: string): Promise<BlobStatus> {
    return this.call('GET', `/api/sync/blobs/${sha256}?fact=${encodeURIComponent(factRowId)}`, blobStatusSchema);
  }

  putChunk(sha256: string, index: number, factRowId: string, data: string): Promise<BlobStatus> {
    return this.call('PUT', `/api/sync/blobs/${sha256}/chunks/${index}?fact=${encodeURIComponent(factRowId)}`, blobStatusSchema, { data });
  }

  /** Consecutive chunks from `from` (at most `BLOB_CHUNKS_PER_REQUEST`), in one request. */
  putChunks(sha256: string, from: number, factRowId: string, data: readonly string[]): Promise<BlobStatus> {
    return this.call('PUT', `/api/sync/blobs/${sha256}/chunks?fact=${encodeURIComponent(factRowId)}&from=${from}`, blobStatusSchema, { data });
  }

  async getChunk(sha256: string, index: number, factRowId: string): Promise<string> {
    return (await this.call('GET', `/api/sync/blobs/${sha256}/chunks/${index}?fact=${encodeURIComponent(factRowId)}`, blobChunkResponseSchema)).data;
  }

  /** Opens the live stream (the caller reads it; see `openHintStream`). */
  openStream(signal: AbortSignal): Promise<Response> {
    return this.transport.fetch(`${this.transport.baseUrl}/api/sync/stream`, {
      headers: { accept: 'text/event-stream', ...this.bindingHeader() },
      credentials: 'same-origin',
      cache: 'no-store',
      signal,
    });
  }

  private bindingHeader(): Record<string, string> {
    return this.userId === undefined ? {} : { [REPLICA_USER_HEADER]: this.userId };
  }

  /** One request; its answer read with `schema`, or an `ApiError` (see `readAnswer`). */
  private call<S extends z.ZodType>(method: 'GET' | 'POST' | 'PUT', path: string, schema: S, body?: unknown): Promise<z.output<S>> {
    const init = jsonRequestInit(method, body);
    return readAnswer(`${method} ${path}`, schema, () =>
      this.transport.fetch(`${this.transport.baseUrl}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), ...this.bindingHeader() } }));
  }
}
