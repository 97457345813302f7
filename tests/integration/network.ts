import { BLOB_CHUNK_BYTES } from '@seal/shared';

/**
 * A controllable network between one replica and the sync-server, for tests: it adds the
 * replica's session cookie, and can be cut (offline), drop answers after the server acted
 * (the replica retries what the server already stored), send a push twice, replay a stale pull,
 * shuffle pulled rows and delay requests (so that deliveries interleave across replicas).
 */
export interface NetworkFaults {
  /** Probability that an answer is lost after the server handled the request. */
  dropAnswer: number;
  /** Probability that a push is delivered twice (the second copy concurrently). */
  duplicatePush: number;
  /** Probability that a pull is answered with an earlier pull's answer (a stale, duplicated delivery). */
  replayPull: number;
  /** Shuffle the rows of each pull (reordered delivery). */
  shufflePulls: boolean;
  /** Random delay per request, ms (upper bound). */
  maxDelayMs: number;
  /** Probability that a pull request fails before it reaches the server (often in the middle of a multi-request pull). */
  failPull?: number;
}

/**
 * The cookies of one browser profile: every tab's requests carry them, so a sign-in in one tab
 * changes the session the others send.
 */
export class CookieJar {
  constructor(public cookie: string) {}
}

export const NO_FAULTS: NetworkFaults = { dropAnswer: 0, duplicatePush: 0, replayPull: 0, shufflePulls: false, maxDelayMs: 0 };

/** Never resolves; rejects as a dropped connection would once `signal` aborts (never, without one). */
function untilAborted(signal: AbortSignal | null | undefined): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () => reject(new TypeError('fetch failed: the request was given up', { cause: signal?.reason }));
    if (signal?.aborted) fail();
    signal?.addEventListener('abort', fail, { once: true });
  });
}

export class TestNetwork {
  online = true;
  faults: NetworkFaults = NO_FAULTS;
  /** Requests by path prefix, for assertions. */
  readonly counts = new Map<string, number>();
  /** Requests sent and not yet answered. */
  inFlight = 0;
  /** Called with every push answer the replica receives (what the server acknowledged). */
  onPushAnswer: ((answer: { results: { id: string; status: string }[] }) => void) | undefined;
  /**
   * Push answers to lose after the server handled the push, one-shot (besides `faults.dropAnswer`).
   * Only a push the server took (2xx) counts: an error answer (a store slow to answer on a loaded
   * machine) is passed on, and the next one the server took is lost instead — so the retry a test
   * expects to come back `duplicate` does.
   */
  dropNextAnswers = 0;
  /**
   * Answers to hold back, one-shot, for requests whose path matches: the request reaches the
   * server and is handled, its answer never arrives — a half-open connection — until the replica
   * gives up on the request (its signal aborts).
   */
  holdNextAnswers: { path: RegExp; count: number } | undefined;
  /** Requests whose path matches fail as if the network dropped them (e.g. only attachment uploads). */
  blockPaths: RegExp | undefined;
  /** Called (and awaited) before each request is sent; throwing fails it as a dropped connection would. */
  intercept: ((path: string, init: RequestInit, url: string) => void | Promise<void>) | undefined;
  /** Per row id: what happened to it on this network (sent, answers, lost answers), for failure messages. */
  readonly trail = new Map<string, string[]>();
  /** Called as each push leaves. */
  onPushSent: (() => void) | undefined;
  /** The last 20 pull answers (their text), oldest first. */
  readonly pullAnswers: string[] = [];
  private readonly streams = new Set<AbortController>();

  private jar: CookieJar;

  /** Sends this replica's requests with the cookies of `jar` from now on (a tab opened in, or closed from, a shared profile). */
  useJar(jar: CookieJar): void {
    this.jar = jar;
  }

  /** @param cookie - this replica's session cookie, or a jar it shares with other "tabs" */
  constructor(cookie: string | CookieJar, private readonly random: () => number = Math.random) {
    this.jar = typeof cookie === 'string' ? new CookieJar(cookie) : cookie;
  }

  /** Cuts the network (and every open live stream) or restores it. */
  setOnline(online: boolean): void {
    this.online = online;
    if (!online) for (const stream of this.streams) stream.abort();
  }

  readonly fetch: typeof fetch = async (input, init = {}) => {
    const url = String(input instanceof Request ? input.url : input);
    const path = new URL(url).pathname;
    this.counts.set(path, (this.counts.get(path) ?? 0) + 1);
    if (!this.online) throw new TypeError('fetch failed: the test network is offline');
    if (this.blockPaths?.test(path)) throw new TypeError(`fetch failed: ${path} is blocked`);
    await this.intercept?.(path, init, url);
    const headers = new Headers(init.headers);
    headers.set('cookie', this.jar.cookie);
    // What a browser adds to the app's own requests (the server refuses a state change without it).
    if (!headers.has('origin')) headers.set('sec-fetch-site', 'same-origin');
    if (path === '/api/sync/stream') {
      // The live stream is cut when the network goes: its body errors, as a dropped connection's would.
      const response = await fetch(url, { ...init, headers });
      if (!response.body) return response;
      const cut = new AbortController();
      this.streams.add(cut);
      const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
      response.body.pipeTo(writable, { signal: cut.signal }).catch(() => undefined).finally(() => this.streams.delete(cut));
      return new Response(readable, { status: response.status, headers: response.headers });
    }
    if (this.faults.maxDelayMs > 0) await new Promise((r) => setTimeout(r, this.random() * this.faults.maxDelayMs));
    if (path === '/api/sync/pull' && this.random() < (this.faults.failPull ?? 0)) throw new TypeError('fetch failed: the pull request was cut');
    const send = async () => {
      this.inFlight++;
      try {
        return await fetch(url, { ...init, headers });
      } finally {
        this.inFlight--;
      }
    };
    if (path === '/api/sync/pull' && this.pullAnswers.length > 0 && this.random() < this.faults.replayPull) {
      const stale = this.pullAnswers[Math.floor(this.random() * this.pullAnswers.length)]!;
      return new Response(stale, { status: 200, headers: { 'content-type': 'application/json' } });
    }
    if (path === '/api/sync/push') this.onPushSent?.();
    const pushedIds = path === '/api/sync/push' ? ((JSON.parse(typeof init.body === 'string' ? init.body : '{"rows":[]}') as { rows: { id: string }[] }).rows.map((r) => r.id)) : [];
    const note = (id: string, what: string) => this.trail.set(id, [...(this.trail.get(id) ?? []), what]);
    pushedIds.forEach((id) => note(id, `sent@${Date.now() % 100000}`));
    if (path === '/api/sync/push' && this.random() < this.faults.duplicatePush) void send().then((r) => r.text()).catch(() => undefined);
    const response = await send();
    if (this.holdNextAnswers && this.holdNextAnswers.count > 0 && this.holdNextAnswers.path.test(path)) {
      this.holdNextAnswers.count--;
      pushedIds.forEach((id) => note(id, 'answer-held'));
      await response.text();
      await untilAborted(init.signal);
    }
    if (!this.online) throw new TypeError('fetch failed: the test network went offline');
    const dropPush = path === '/api/sync/push' && response.ok && this.dropNextAnswers > 0;
    if (dropPush || this.random() < this.faults.dropAnswer) {
      pushedIds.forEach((id) => note(id, 'answer-lost'));
      if (dropPush) this.dropNextAnswers--;
      await response.text();
      throw new TypeError('fetch failed: the answer was lost');
    }
    if (path === '/api/sync/push' && response.ok) {
      const text = await response.text();
      const answer = JSON.parse(text) as { results: { id: string; status: string; stored?: unknown }[] };
      answer.results.forEach((r) => note(r.id, `${r.status}${r.stored ? '+stored' : ''}`));
      this.onPushAnswer?.(answer);
      return new Response(text, { status: 200, headers: { 'content-type': 'application/json' } });
    }
    if (path === '/api/sync/push' && !response.ok) pushedIds.forEach((id) => note(id, `http ${response.status}`));
    if (path === '/api/sync/push' && response.ok && this.onPushAnswer) {
      const text = await response.text();
      this.onPushAnswer(JSON.parse(text) as { results: { id: string; status: string }[] });
      return new Response(text, { status: 200, headers: { 'content-type': 'application/json' } });
    }
    if (path === '/api/sync/pull' && response.ok) {
      const answer = (await response.json()) as { rows: unknown[] };
      if (this.faults.shufflePulls) answer.rows.sort(() => this.random() - 0.5);
      const text = JSON.stringify(answer);
      this.pullAnswers.push(text);
      if (this.pullAnswers.length > 20) this.pullAnswers.shift();
      return new Response(text, { status: 200, headers: { 'content-type': 'application/json' } });
    }
    return response;
  };
}

/** How many bytes a request's body of bytes holds (the app sends them as a `Blob`). */
const bodySize = (body: RequestInit['body']): number => (body instanceof Blob ? body.size : (body as Uint8Array).length);

/**
 * The attachment chunks a request uploads, read from the request (its URL, its body) as it goes: the chunk of
 * `PUT …/chunks/:index`, or the run of `PUT …/bytes?from=…` or `PUT …/chunks?from=…` (several in one request).
 * `undefined` for any other request.
 */
export function chunksSent(address: string, init: RequestInit): { readonly sha: string; readonly indices: readonly number[] } | undefined {
  if (init.method !== 'PUT') return undefined;
  const url = new URL(address, 'http://tablet.invalid');
  const one = /^\/api\/sync\/blobs\/([0-9a-f]{64})\/chunks\/(\d+)$/.exec(url.pathname);
  if (one) return { sha: one[1]!, indices: [Number(one[2])] };
  const from = Number(url.searchParams.get('from'));
  // Chunks as bytes, one after the other: every one whole but the attachment's last.
  const bytes = /^\/api\/sync\/blobs\/([0-9a-f]{64})\/bytes$/.exec(url.pathname);
  if (bytes) return { sha: bytes[1]!, indices: Array.from({ length: Math.ceil(bodySize(init.body) / BLOB_CHUNK_BYTES) }, (_, i) => from + i) };
  const run = /^\/api\/sync\/blobs\/([0-9a-f]{64})\/chunks$/.exec(url.pathname);
  if (!run) return undefined;
  const { data } = JSON.parse(typeof init.body === 'string' ? init.body : '') as { data: string[] };
  return { sha: run[1]!, indices: data.map((_, i) => from + i) };
}
