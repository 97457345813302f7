import { Backoff, type BackoffPolicy } from '@seal/shared';

/** Whether the sync-server answers: `unknown` until the first answer or failure. */
export type Reachability = 'unknown' | 'reachable' | 'unreachable';

/**
 * While the server does not answer, a light probe (`GET /healthz`) asks again after 2 s, then
 * twice as long each time up to a minute (a fifth of each wait random, so that a site's tablets
 * do not all ask at once). The `online` event asks at once and starts the waits over.
 */
export const PROBE_BACKOFF: BackoffPolicy = { initialDelayMs: 2_000, maxDelayMs: 60_000, jitter: 0.2 };

/** What the reachability needs from the page (injected, so tests run it without a browser). */
export interface ReachabilityEnvironment {
  /** `navigator.onLine`: false means no network interface, so no probe is sent. */
  readonly networkUp: () => boolean;
  /** Sends the probe; resolves with whether the server answered healthy. */
  readonly probe: () => Promise<boolean>;
  readonly setTimeout: (run: () => void, ms: number) => unknown;
  readonly clearTimeout: (timer: unknown) => void;
}

/**
 * The one place the app learns whether its server answers. Every request reports its outcome
 * (`answered`, `noAnswer`); background work (the sync, its live stream, attachment uploads)
 * asks `mayRequest` first and, while the server is known unreachable, fails at once without
 * touching the network: only the probe, backing off, goes out until the server answers again.
 */
export class ServerReachability {
  #state: Reachability = 'unknown';
  #since = Date.now();
  #timer: unknown;
  #probing = false;
  readonly #backoff: Backoff;
  readonly #listeners = new Set<(state: Reachability) => void>();

  constructor(private readonly env: ReachabilityEnvironment, policy: BackoffPolicy = PROBE_BACKOFF) {
    this.#backoff = new Backoff(policy);
  }

  get state(): Reachability {
    return this.#state;
  }

  /** When the state last changed (ms since the epoch). */
  get since(): number {
    return this.#since;
  }

  /** Calls `listener` now and on every change; returns the unsubscribe function. */
  subscribe(listener: (state: Reachability) => void): () => void {
    this.#listeners.add(listener);
    listener(this.#state);
    return () => this.#listeners.delete(listener);
  }

  /** False while the server is known not to answer (or there is no network): background work waits for the probe. */
  mayRequest(): boolean {
    return this.env.networkUp() && this.#state !== 'unreachable';
  }

  /** A request got an answer (any HTTP status: the server is there). */
  answered(): void {
    this.#backoff.reset();
    this.#cancelProbe();
    this.#set('reachable');
  }

  /** A request got no answer: the server is unreachable until a probe says otherwise. */
  noAnswer(): void {
    this.#set('unreachable');
    if (this.#timer === undefined && !this.#probing) this.#scheduleProbe();
  }

  /** The network came back (the `online` event) or the user asks: probe now, waits start over. */
  probeNow(): void {
    this.#backoff.reset();
    this.#cancelProbe();
    void this.#probe();
  }

  /** The network went away (the `offline` event): unreachable, and no probe until it returns. */
  networkLost(): void {
    this.#cancelProbe();
    this.#set('unreachable');
  }

  /** Stops probing (tests; the page's instance lives as long as the page). */
  dispose(): void {
    this.#cancelProbe();
    this.#listeners.clear();
  }

  async #probe(): Promise<void> {
    if (!this.env.networkUp()) {
      // No network interface: nothing to ask; the `online` event calls `probeNow`.
      this.#set('unreachable');
      return;
    }
    this.#probing = true;
    let healthy = false;
    try {
      healthy = await this.env.probe();
    } catch {
      healthy = false;
    } finally {
      this.#probing = false;
    }
    if (healthy) this.answered();
    else this.noAnswer();
  }

  #scheduleProbe(): void {
    if (!this.env.networkUp()) return;
    this.#timer = this.env.setTimeout(() => {
      this.#timer = undefined;
      void this.#probe();
    }, this.#backoff.next());
  }

  #cancelProbe(): void {
    if (this.#timer !== undefined) this.env.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #set(state: Reachability): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#since = Date.now();
    for (const listener of [...this.#listeners]) listener(state);
  }
}
