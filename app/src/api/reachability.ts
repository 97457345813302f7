import { ServerReachability } from './serverReachability';

let instance: ServerReachability | undefined;

/** How long the health probe waits for its answer: a probe on a dead connection must end, or the sync would wait on it. */
export const PROBE_DEADLINE_MS = 10_000;

/**
 * The server's health probe: any healthy answer within `deadlineMs` means the server (and its
 * store) answer; a probe that hangs is no answer (it rejects, as a failed one does).
 */
export async function probeHealth(url = '/healthz', deadlineMs = PROBE_DEADLINE_MS): Promise<boolean> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new DOMException('the health probe got no answer in time', 'TimeoutError')), deadlineMs);
  try {
    const response = await fetch(url, { cache: 'no-store', credentials: 'omit', signal: deadline.signal });
    await response.body?.cancel();
    return response.ok;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * This page's one {@link ServerReachability}: created on first use, probing at once, told of the
 * browser's `online` (probe now) and `offline` (unreachable, no probe) events. `undefined`
 * outside a browser (the store's Node tests), where nothing is gated.
 */
export function serverReachability(): ServerReachability | undefined {
  if (typeof window === 'undefined') return undefined;
  if (instance === undefined) {
    const reachability = new ServerReachability({
      networkUp: () => navigator.onLine,
      probe: probeHealth,
      setTimeout: (run, ms) => window.setTimeout(run, ms),
      clearTimeout: (timer) => window.clearTimeout(timer as number),
    });
    window.addEventListener('online', () => reachability.probeNow());
    window.addEventListener('offline', () => reachability.networkLost());
    reachability.probeNow();
    instance = reachability;
  }
  return instance;
}

const isAbort = (error: unknown): boolean => error instanceof DOMException && error.name === 'AbortError';

/** Requests sent and not answered yet (their answer's headers). */
const inFlight = new Set<Promise<unknown>>();
/** Sign-outs under way: while any is, background work sends nothing (its answer would be a refusal of the ended session). */
let quieting = 0;
/** Aborts the background requests in flight (those a sign-out gave up waiting for); replaced once used. */
let backgroundAbort = new AbortController();
/** Work of the session that is stopping (the store's sync): a sign-out's silence lasts until it is done. */
const stopping = new Set<Promise<unknown>>();

/**
 * Notes work that ends with the session and is still stopping (the store's sync, whose replication
 * may send once more between its session's end and its own). A sign-out under way holds background
 * requests back until it has stopped, not only until the sign-out's own steps are done.
 */
export function stoppingWithSession(work: Promise<unknown>): void {
  const settled = work.then(() => undefined, () => undefined);
  stopping.add(settled);
  void settled.then(() => stopping.delete(settled));
}

/**
 * Before the session ends: stops background requests and waits (at most `maxMs`) for those in
 * flight, so that none is answered "signed out" — a refusal the browser logs, and which would
 * tell the app the session had ended on its own. `done()` (once; call it in a `finally`) lets
 * background work send again when no other sign-out is under way.
 */
export async function quiesceRequests(maxMs = 3000): Promise<{ done(): void }> {
  quieting++;
  let released = false;
  const done = (): void => {
    if (released) return;
    released = true;
    // Background work of the ended session may still be stopping: silent until it has (10 s at most).
    if (stopping.size === 0) quieting--;
    else void Promise.race([Promise.all(stopping), new Promise((resolve) => setTimeout(resolve, 10_000))]).then(() => quieting--);
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let waited = false;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      waited = true;
      resolve();
    }, maxMs);
  });
  try {
    // Until none is in flight: a request sent while this waits (a screen's own, which the
    // guards of `signingOut()` did not cover) is waited for too, not only those of the start.
    while (inFlight.size > 0 && !waited) await Promise.race([Promise.allSettled([...inFlight]), deadline]);
  } finally {
    clearTimeout(timer);
  }
  // Background requests still unanswered (a slow pull under load) are given up rather than
  // answered "signed out" once the session has ended; their work retries in the next session.
  if (waited) {
    backgroundAbort.abort(new DOMException('signing out: a background request still unanswered was given up', 'AbortError'));
    backgroundAbort = new AbortController();
  }
  return { done };
}

/**
 * Whether a sign-out is under way: work that refreshes on its own (the directory, the
 * notification count, lists that poll) sends nothing then; its answer would be a refusal of
 * the session that is ending, which the browser logs as an error.
 */
export function signingOut(): boolean {
  return quieting > 0;
}

/** Notes what became of a request sent to the server (an answer of any status, or none). */
export async function noteOutcome<T extends Response>(sending: Promise<T>): Promise<T> {
  inFlight.add(sending);
  void sending.then(() => inFlight.delete(sending), () => inFlight.delete(sending));
  try {
    const response = await sending;
    serverReachability()?.answered();
    return response;
  } catch (error) {
    if (!isAbort(error)) serverReachability()?.noAnswer();
    throw error;
  }
}

/**
 * `fetch` for work nobody is waiting on (the sync, its live stream, attachment uploads): while
 * the server is known not to answer it fails at once without touching the network, so that a
 * tablet with its network cut sends only the backing-off probe, not a retry every few seconds.
 * The probe's first healthy answer lets it through again (and the sync is woken then).
 */
export const backgroundFetch: typeof fetch = (input, init) => {
  if (quieting > 0) return Promise.reject(new TypeError('signing out: background requests wait for the next session'));
  const reachability = serverReachability();
  if (reachability !== undefined && !reachability.mayRequest()) {
    return Promise.reject(new TypeError('the server does not answer: waiting for its health probe before trying again'));
  }
  const { signal, release } = eitherSignal(backgroundAbort.signal, init?.signal ?? undefined);
  const sending = noteOutcome(fetch(input, { ...init, signal }));
  void sending.then(release, release);
  return sending;
};

/**
 * A signal that aborts when either does. Browsers before Chrome 116 / Safari 17.4 lack
 * `AbortSignal.any`: there, one controller follows both, its listeners removed by `release` once
 * the request settles (the sign-out signal lives for the whole session).
 */
export function eitherSignal(first: AbortSignal, second: AbortSignal | undefined): { signal: AbortSignal; release: () => void } {
  if (second === undefined) return { signal: first, release: () => undefined };
  if (typeof AbortSignal.any === 'function') return { signal: AbortSignal.any([first, second]), release: () => undefined };
  const both = new AbortController();
  const follow = (event: Event) => both.abort((event.target as AbortSignal).reason);
  for (const signal of [first, second]) {
    if (signal.aborted) both.abort(signal.reason);
    else signal.addEventListener('abort', follow, { once: true });
  }
  return {
    signal: both.signal,
    release: () => {
      first.removeEventListener('abort', follow);
      second.removeEventListener('abort', follow);
    },
  };
}
