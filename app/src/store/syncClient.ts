import { REPLICA_USER_HEADER, type BlobStatus, type PullResponse, type PushResponse, type SyncRow } from '@seal/shared';
import { jsonRequestInit } from '../api/request';

/** How the store reaches the sync-server: injected, so the same code runs in the browser and in Node. */
export interface SyncTransport {
  /** The server's origin (`''` in the browser: same origin). */
  readonly baseUrl: string;
  /** `fetch` (the browser's, or one that adds a session cookie in Node tests). */
  readonly fetch: typeof fetch;
}

/** Why a call to the sync-server failed. `network` and `server` are retried; `unauthenticated` needs a sign-in. */
export type SyncHttpErrorCode = 'network' | 'unauthenticated' | 'server' | 'refused';

export class SyncHttpError extends Error {
  override readonly name = 'SyncHttpError';
  constructor(readonly code: SyncHttpErrorCode, readonly status: number, message: string, readonly serverCode?: string) {
    super(message);
  }
}

interface ErrorBody {
  readonly error?: string;
  readonly message?: string;
}

/** Whether the server answered that this replica may not sync under the session it has (signed out, or another person's). */
export const isSignedOutSyncError = (error: unknown): error is SyncHttpError => error instanceof SyncHttpError && error.code === 'unauthenticated';

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
    return this.call<PushResponse>('POST', '/api/sync/push', { rows, ...(this.replicaId ? { replica: this.replicaId } : {}) });
  }

  pull(since: string | undefined, limit: number): Promise<PullResponse> {
    const query = new URLSearchParams({ limit: String(limit), ...(since === undefined ? {} : { since }), ...(this.replicaId ? { replica: this.replicaId } : {}) });
    return this.call<PullResponse>('GET', `/api/sync/pull?${query.toString()}`);
  }

  blobStatus(sha256: string, factRowId: string): Promise<BlobStatus> {
    return this.call<BlobStatus>('GET', `/api/sync/blobs/${sha256}?fact=${encodeURIComponent(factRowId)}`);
  }

  putChunk(sha256: string, index: number, factRowId: string, data: string): Promise<BlobStatus> {
    return this.call<BlobStatus>('PUT', `/api/sync/blobs/${sha256}/chunks/${index}?fact=${encodeURIComponent(factRowId)}`, { data });
  }

  async getChunk(sha256: string, index: number, factRowId: string): Promise<string> {
    return (await this.call<{ data: string }>('GET', `/api/sync/blobs/${sha256}/chunks/${index}?fact=${encodeURIComponent(factRowId)}`)).data;
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

  private async call<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      const init = jsonRequestInit(method, body);
      response = await this.transport.fetch(`${this.transport.baseUrl}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), ...this.bindingHeader() } });
    } catch (cause) {
      throw new SyncHttpError('network', 0, `${method} ${path} did not reach the server: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
    const text = await response.text().catch(() => '');
    if (response.ok) return JSON.parse(text) as T;
    let parsed: ErrorBody = {};
    try {
      parsed = JSON.parse(text) as ErrorBody;
    } catch {
      parsed = { message: text.slice(0, 200) };
    }
    const message = `${method} ${path}: ${response.status} ${parsed.error ?? ''} ${parsed.message ?? ''}`.trim();
    if (response.status === 401) throw new SyncHttpError('unauthenticated', 401, message, parsed.error);
    if (response.status >= 500 || response.status === 429 || response.status === 408) throw new SyncHttpError('server', response.status, message, parsed.error);
    throw new SyncHttpError('refused', response.status, message, parsed.error);
  }
}
