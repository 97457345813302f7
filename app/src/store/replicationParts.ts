import type { SyncStatus } from './syncStatus';
import { isReplicaHaltError, isUnreachableError, type ApiError } from '../api/ApiError';
import type { SyncClient } from './syncClient';
import type { RowDoc } from './collections';

/** Notes a failed request in the status and rethrows it (RxDB retries). */
export function failed(status: SyncStatus, error: unknown): never {
  const connection = isReplicaHaltError(error) ? 'signed_out' : isUnreachableError(error) ? 'offline' : status.get().connection;
  const signedOutCode = isReplicaHaltError(error) ? error.code : undefined;
  status.update({ connection, signedOutCode, lastError: error instanceof Error ? error.message : String(error) });
  throw error;
}

/**
 * Signed out, or the session became another person's (another tab signed in): no request goes
 * out until `resume` — nothing pulled into this person's store, nothing of theirs pushed under
 * someone else's name, the outbox left as it is, no refusal recorded. RxDB's retries find the
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
 * A pull cut short by a failed request hands RxDB a short batch, which RxDB takes for "caught
 * up": until a pull reaches the end of the feed, this replica knows it is not.
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
 * One push request at a time, in the order RxDB hands the batches over. RxDB sends a backlog's
 * batches in parallel; the server judges each row against what it holds, so a row judged before
 * one it depends on (a seal's creation before its first lifecycle fact: ADR 003) would be
 * refused. A batch queued behind one that fails is not sent either: it fails too, and RxDB
 * retries them all, so a later batch never lands before an earlier one's retry. (The device-log
 * audit does not rely on this: RxDB hands a backlog over in its own order, not in seq order,
 * and the server resolves a gap alarm whenever the missing entries arrive.)
 */
export function pushesInOrder(client: SyncClient): (rows: RowDoc[]) => ReturnType<SyncClient['push']> {
  let pushing: Promise<unknown> = Promise.resolve();
  let failures = 0;
  return (sent) => {
    const queuedAt = failures;
    const run = pushing.then(() => {
      if (failures !== queuedAt) throw new TypeError('an earlier batch failed to go up: this one goes up after it, in order');
      return client.push(sent);
    });
    pushing = run.then(() => undefined, () => {
      if (failures === queuedAt) failures++;
    });
    return run;
  };
}
