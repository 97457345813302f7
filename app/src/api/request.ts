import { z } from 'zod';
import { apiErrorBodySchema, BLOB_BYTES_MEDIA_TYPE } from '@seal/shared';
import { ApiError, isSignedOutError, isTimeoutCause } from './ApiError';
import { noteOutcome } from './reachability';

type SignedOutListener = (err: ApiError) => void;
const signedOutListeners = new Set<SignedOutListener>();

/**
 * Calls `listener` whenever the server answers that the session is gone (`unauthenticated`,
 * `session_expired`), whichever screen asked; returns the unsubscribe function.
 */
export function onSignedOut(listener: SignedOutListener): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

/** A same-origin JSON request to our server: never cached, JSON in (when there is a body) and out. */
export function jsonRequestInit(method: string, body?: unknown): RequestInit {
  return {
    method,
    credentials: 'same-origin',
    cache: 'no-store',
    headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  };
}

/**
 * A same-origin request carrying bytes (`application/octet-stream`), answered in JSON. The bytes
 * go as a `Blob`: Chromium's `fetch` copied an array's bytes into the request on the page's own
 * thread (~20 ms for a 3 MB upload of photos), where a `Blob` of them costs about half.
 */
export function bytesRequestInit(method: string, body: Uint8Array): RequestInit {
  return {
    method,
    credentials: 'same-origin',
    cache: 'no-store',
    headers: { accept: 'application/json', 'content-type': BLOB_BYTES_MEDIA_TYPE },
    body: new Blob([body as Uint8Array<ArrayBuffer>]),
  };
}

// `=== false`: Node 21+ has a `navigator` without `onLine`, which says nothing about the network.
const isOffline = (): boolean => typeof navigator !== 'undefined' && navigator.onLine === false;

/**
 * When a request to the server counts as unanswered: a base, plus time for its bytes at a slow
 * site link's speed. The numbers the API's calls (`apiRequest`: for the answer to begin, then a
 * stall of the base) and replication's (`SyncClient`: for the whole exchange, both ways, doubled
 * after each request given up) both use.
 */
export interface RequestDeadline {
  readonly baseMs: number;
  readonly bytesPerSecond: number;
}

export const REQUEST_DEADLINE: RequestDeadline = { baseMs: 30_000, bytesPerSecond: 8 * 1024 };

/**
 * For the small reads the app cannot start without (who is signed in, whether the organisation is
 * set up): 10 s, as the health probe, so that with no way out the sign-in falls back to what this
 * device holds soon rather than after half a minute.
 */
export const STARTUP_DEADLINE: RequestDeadline = { ...REQUEST_DEADLINE, baseMs: 10_000 };

/** The deadline of a request carrying `bytes` (both ways). */
export const deadlineMs = (bytes: number, deadline: RequestDeadline = REQUEST_DEADLINE): number => deadline.baseMs + Math.ceil((bytes * 1000) / deadline.bytesPerSecond);

/** The UTF-8 length of `text`, without encoding it (a push or an upload is hundreds of KB). */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // Two bytes below U+0800, three above; a surrogate pair (four bytes) is two units of two.
    if (code >= 0x80) bytes += code >= 0x800 && (code < 0xd800 || code > 0xdfff) ? 2 : 1;
  }
  return bytes;
}

/** The body of an answer: `undefined` when empty, else its JSON (`bad_response` if it is none). */
function parseBody(text: string, status: number, what: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new ApiError({ status, code: 'bad_response', message: `Expected JSON from ${what}, got ${JSON.stringify(text.slice(0, 80))}`, cause });
  }
}

/** The refusal a failed answer carries (`{ error, message }`), or one made from its status. */
function refusalOf(response: Response, body: unknown, what: string): ApiError {
  const parsed = apiErrorBodySchema.safeParse(body);
  // 408: the server stopped waiting for the request to arrive (REQUEST_SECONDS; Node's own answer
  // has no body, the server's says `bad_request`): a slow link, as when no answer comes at all.
  if (!parsed.success || response.status === 408) {
    const code = response.status === 429 ? 'rate_limited' : response.status === 408 ? 'network' : response.status >= 500 ? 'internal_error' : 'bad_response';
    return new ApiError({ status: response.status, code, message: `${what} answered ${response.status} without an error body`, cause: parsed.error });
  }
  const retryAfter = Number(response.headers.get('retry-after'));
  return new ApiError({
    status: response.status,
    code: parsed.data.error,
    message: parsed.data.message,
    cause: parsed.data,
    ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
  });
}

/**
 * Sends one request with `send` and reads its answer with `schema` (from shared/src/api): the
 * parsed answer, or an {@link ApiError} — the server's code, or `offline` / `network` when no
 * answer came, or `bad_response` when the answer is not what the schema says (the `ZodError` is
 * its cause): an answer is never taken on trust.
 */
export async function readAnswer<S extends z.ZodType>(what: string, schema: S, send: () => Promise<Response>): Promise<z.output<S>> {
  if (isOffline()) throw new ApiError({ status: 0, code: 'offline', message: `No network: ${what} was not sent`, cause: undefined });
  let response: Response;
  let text: string;
  try {
    // Every answer (or its absence) tells the header whether the server answers.
    response = await noteOutcome(send());
    text = await response.text();
  } catch (cause) {
    const late = isTimeoutCause(cause) ? ' in time' : '';
    throw new ApiError({ status: 0, code: isOffline() ? 'offline' : 'network', message: `${what} got no answer from the server${late}`, cause });
  }
  const body = parseBody(text, response.status, what);
  if (!response.ok) throw refusalOf(response, body, what);
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new ApiError({ status: response.status, code: 'bad_response', message: `${what} answered with an unexpected shape:\n${z.prettifyError(parsed.error)}`, cause: parsed.error });
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * One call to the sync-server's JSON API (same origin, session cookie included), its answer
 * read with `schema` (see {@link readAnswer}). Every listener of {@link onSignedOut} hears of
 * an answer saying the session is gone.
 *
 * A call is given up (`network`, its cause a `TimeoutError`) when its answer has not begun by its
 * deadline (`deadlineMs` of what it sends), or when the answer, once begun, stalls for the
 * deadline's base with no bytes arriving: a stalled link or a site Wi-Fi with no way out no longer
 * holds a screen, or the sign-in's fall-back to this device's cache, for ever, while a large
 * answer that keeps arriving (a countersigned PDF, an evidence bundle with its photos) is read to
 * its end however long it takes. The server may have done what a call given up asked: the words
 * shown say so (`describeError`).
 */
export async function apiRequest<S extends z.ZodType>(method: Method, path: string, schema: S, body?: unknown, deadline: RequestDeadline = REQUEST_DEADLINE): Promise<z.output<S>> {
  const init = jsonRequestInit(method, body);
  const timer = new AbortController();
  let due: ReturnType<typeof setTimeout> | undefined;
  const giveUpIn = (ms: number, why: string): void => {
    clearTimeout(due);
    due = setTimeout(() => timer.abort(new DOMException(`${method} ${path}: ${why}`, 'TimeoutError')), ms);
  };
  const answerBegins = deadlineMs(typeof init.body === 'string' ? utf8Length(init.body) : 0, deadline);
  giveUpIn(answerBegins, `no answer began within ${answerBegins} ms`);
  const send = async (): Promise<Response> => {
    const response = await fetch(path, { ...init, signal: timer.signal });
    const stalled = `the answer stalled for ${deadline.baseMs} ms`;
    giveUpIn(deadline.baseMs, stalled);
    // A body-less answer (204, 304…) has nothing to watch, and may not be rebuilt with a body.
    if (response.body === null || [101, 204, 205, 304].includes(response.status)) return response;
    // Each piece of the answer puts the deadline off again (the signal also ends the body's read).
    try {
      const watched = response.body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({
        transform(piece, into) {
          giveUpIn(deadline.baseMs, stalled);
          into.enqueue(piece);
        },
      }));
      return new Response(watched, { status: response.status, statusText: response.statusText, headers: response.headers });
    } catch (error) {
      // An answer no Response can be made of (a proxy's status past 599): its read is ended too.
      timer.abort(error);
      throw error;
    }
  };
  try {
    return await readAnswer(`${method} ${path}`, schema, send);
  } catch (error) {
    if (isSignedOutError(error)) for (const listener of signedOutListeners) listener(error);
    throw error;
  } finally {
    clearTimeout(due);
  }
}

/** What a call with no answer (204) is read with. */
export const noAnswer = z.undefined();
