import type { SyncStatus } from './syncStatus';
import { isReplicaHaltError, isUnreachableError, type ApiError } from '../api/ApiError';

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
 * One of the two loops (push, pull): runs `pass` when asked, one pass at a time (asked again while
 * one runs: another follows it); a pass that fails is tried again after `retryMs`, or at once when
 * asked (a hint, the browser back online). Nothing runs while the gate is shut (signed out).
 */
export class Loop {
  #running: Promise<void> | undefined;
  #again = false;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;
  /** A pass completed without failing since the loop started. */
  completed = false;
  readonly #idle: (() => void)[] = [];

  constructor(private readonly pass: () => Promise<void>, private readonly retryMs: number, private readonly shut: () => boolean) {}

  /** A pass now (after the one running): also cuts short the wait before a retry (a hint, the browser back online). */
  request(): void {
    if (this.#stopped || this.shut()) return;
    if (this.#retry !== undefined) {
      clearTimeout(this.#retry);
      this.#retry = undefined;
    }
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#run().finally(() => {
      this.#running = undefined;
      // Asked after the last look at `#again` but before letting go of `#running`: not dropped.
      if (this.#again && this.#retry === undefined) this.request();
      else if (this.idle) this.#idle.splice(0).forEach((resolve) => resolve());
    });
  }

  /** A pass soon, unless a failed one waits to be tried again (then that retry is the pass). */
  nudge(): void {
    if (this.#retry === undefined) this.request();
  }

  async #run(): Promise<void> {
    do {
      this.#again = false;
      try {
        await this.pass();
        this.completed = true;
      } catch {
        // Noted by the pass (status, gate); tried again later unless stopped or signed out.
        if (!this.#stopped && !this.shut() && !this.#again) {
          this.#retry = setTimeout(() => {
            this.#retry = undefined;
            this.request();
          }, this.retryMs);
        }
      }
    } while (this.#again && !this.#stopped && !this.shut());
  }

  /** Stopped (`stop`): a running pass ends at its next request. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Neither running nor waiting to try again. */
  get idle(): boolean {
    return this.#running === undefined && this.#retry === undefined;
  }

  /** Resolves when the loop is idle (at once if it is). */
  whenIdle(): Promise<void> {
    return this.idle ? Promise.resolve() : new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Wakes waiters of `whenIdle` (the gate shut, or stopped: nothing will run until resumed). */
  release(): void {
    if (this.#retry !== undefined) clearTimeout(this.#retry);
    this.#retry = undefined;
    if (this.#running === undefined) this.#idle.splice(0).forEach((resolve) => resolve());
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.release();
    await this.#running;
    this.#idle.splice(0).forEach((resolve) => resolve());
  }
}
