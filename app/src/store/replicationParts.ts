import type { SealDatabase } from './collections';
import type { LocalBook } from './localBook';
import type { SyncClient } from './syncClient';
import type { SyncStatus } from './syncStatus';
import { isReplicaHaltError, isUnreachableError, type ApiError } from '../api/ApiError';

/** Notes a failed request in the status and rethrows it (the loop retries). */
export function failed(status: SyncStatus, error: unknown): never {
  const connection = isReplicaHaltError(error) ? 'signed_out' : isUnreachableError(error) ? 'offline' : status.get().connection;
  const signedOutCode = isReplicaHaltError(error) ? error.code : undefined;
  status.update({ connection, signedOutCode, lastError: error instanceof Error ? error.message : String(error) });
  throw error;
}

/**
 * Signed out, or the session became another person's (another tab signed in): no request goes
 * out until `resume` — nothing pulled into this person's store, nothing of theirs pushed under
 * someone else's name, the outbox left as it is, no refusal recorded. The loops' retries find the
 * handlers refusing at once, without touching the network.
 */
export class SignedOutGate {
  #signedOut: ApiError | undefined;
  readonly #onHalt: ((error: ApiError) => void)[] = [];
  /** Bumped by `resume`: a request sent before a sign-in whose 401 arrives after it must not stop the sync that sign-in resumed. */
  #epoch = 0;

  constructor(private readonly status: SyncStatus, private readonly onSignedOut?: (error: ApiError) => void) {}

  get signedOut(): ApiError | undefined {
    return this.#signedOut;
  }

  /** The epoch a request is sent in (pass it to `check` with its failure). */
  get epoch(): number {
    return this.#epoch;
  }

  /** Throws while signed out: a handler calls it before any request. */
  refuseWhileSignedOut(): void {
    if (this.#signedOut) throw this.#signedOut;
  }

  /** Notes a failed request (stopping the sync if it answered signed out) and rethrows it. */
  check(error: unknown, sentIn: number): never {
    if (isReplicaHaltError(error) && this.#signedOut === undefined && sentIn === this.#epoch) {
      this.#signedOut = error;
      this.#onHalt.splice(0).forEach((reject) => reject(error));
      this.onSignedOut?.(error);
    }
    return failed(this.status, error);
  }

  /** Rejects when the sync stops as signed out (at once if it has). */
  halted(): Promise<never> {
    if (this.#signedOut) return Promise.reject(this.#signedOut);
    const halted = new Promise<never>((_, reject) => this.#onHalt.push(reject));
    halted.catch(() => undefined);
    return halted;
  }

  resume(): void {
    this.#signedOut = undefined;
    this.#epoch++;
  }
}

/**
 * A pull cut short by a failed request keeps what it brought and goes on: until a pull reaches
 * the end of the feed, this replica knows it is not caught up.
 */
export class CatchUp {
  behind = false;
  readonly #waitingForEnd: (() => void)[] = [];

  /** A pull reached the end of the feed. */
  settle(): void {
    this.behind = false;
    this.#waitingForEnd.splice(0).forEach((resolve) => resolve());
  }

  reachedEnd(): Promise<void> {
    return this.behind ? new Promise((resolve) => this.#waitingForEnd.push(resolve)) : Promise.resolve();
  }
}

/**
 * One loop (push, or pull) run on demand: `kick` asks for a run, and a run asked for while one is
 * under way follows it (never two at once). A run that fails is tried again after the retry time
 * (or at once when the browser comes back online). `idle` resolves when no run is under way or
 * asked for and the last one succeeded.
 */
export class Loop {
  #asked = false;
  #running: Promise<void> | undefined;
  #failed = false;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;
  readonly #idle: (() => void)[] = [];

  constructor(private readonly run: () => Promise<boolean>, private readonly retryTimeMs: number) {}

  get stopped(): boolean {
    return this.#stopped;
  }

  kick(): void {
    if (this.#stopped) return;
    this.#asked = true;
    if (this.#retry !== undefined) {
      clearTimeout(this.#retry);
      this.#retry = undefined;
    }
    this.#running ??= this.#drain();
  }

  async #drain(): Promise<void> {
    while (this.#asked && !this.#stopped) {
      this.#asked = false;
      let ok = false;
      try {
        ok = await this.run();
      } catch {
        ok = false;
      }
      this.#failed = !ok;
      if (!ok && !this.#stopped) {
        this.#retry = setTimeout(() => {
          this.#retry = undefined;
          this.kick();
        }, this.retryTimeMs);
        break;
      }
    }
    this.#running = undefined;
    if (!this.#failed && !this.#asked) this.#idle.splice(0).forEach((resolve) => resolve());
  }

  /** Resolves once a run succeeded with nothing more asked for. */
  idle(): Promise<void> {
    if (this.#running === undefined && !this.#failed && !this.#asked) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#retry !== undefined) clearTimeout(this.#retry);
    await this.#running;
  }
}

/** What a replication of `rows` is started with. */
export interface RowReplicationOptions {
  readonly db: SealDatabase;
  readonly book: LocalBook;
  readonly client: SyncClient;
  readonly status: SyncStatus;
  readonly now: () => number;
  /** Rows per pull request (default 200). */
  readonly pullBatchSize?: number;
  /** Rows per push request (default 100). */
  readonly pushBatchSize?: number;
  /** Wait before retrying a failed request, ms (default 5 s; skipped when the browser comes back online). */
  readonly retryTimeMs?: number;
  /** Called once when the server answers signed out (or another person's session): syncing stops until `resume`. */
  readonly onSignedOut?: (error: ApiError) => void;
}
