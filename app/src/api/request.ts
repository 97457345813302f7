import { z } from 'zod';
import { apiErrorBodySchema, BLOB_BYTES_MEDIA_TYPE } from '@seal/shared';
import { ApiError, isSignedOutError } from './ApiError';
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

/** A same-origin request carrying bytes (`application/octet-stream`), answered in JSON. */
export function bytesRequestInit(method: string, body: Uint8Array): RequestInit {
  return {
    method,
    credentials: 'same-origin',
    cache: 'no-store',
    headers: { accept: 'application/json', 'content-type': BLOB_BYTES_MEDIA_TYPE },
    body: body as Uint8Array<ArrayBuffer>,
  };
}

const isOffline = (): boolean => typeof navigator !== 'undefined' && !navigator.onLine;

/**
 * When a request to the server counts as unanswered: a base, plus time for its bytes at a slow
 * site link's speed. One rule for the API's calls (`apiRequest`) and replication's (`SyncClient`).
 */
export interface RequestDeadline {
  readonly baseMs: number;
  readonly bytesPerSecond: number;
}

export const REQUEST_DEADLINE: RequestDeadline = { baseMs: 30_000, bytesPerSecond: 8 * 1024 };

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

/** Whether a request failed because its deadline passed (its signal aborted with a `TimeoutError`). */
const isTimeout = (cause: unknown): boolean => cause instanceof DOMException && cause.name === 'TimeoutError';

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
  if (!parsed.success) {
    const code = response.status === 429 ? 'rate_limited' : response.status >= 500 ? 'internal_error' : 'bad_response';
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
    const late = isTimeout(cause) ? ' in time' : '';
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
 * an answer saying the session is gone. A call unanswered past its deadline (`deadlineMs` of its
 * body: a stalled link, a site Wi-Fi with no way out) is given up as `network`, as one that could
 * not be sent: the screen says so and the sign-in falls back to what this device holds, instead
 * of waiting for ever.
 */
export async function apiRequest<S extends z.ZodType>(method: Method, path: string, schema: S, body?: unknown, deadline: RequestDeadline = REQUEST_DEADLINE): Promise<z.output<S>> {
  const init = jsonRequestInit(method, body);
  const timer = new AbortController();
  const ms = deadlineMs(typeof init.body === 'string' ? utf8Length(init.body) : 0, deadline);
  const due = setTimeout(() => timer.abort(new DOMException(`${method} ${path} got no answer in ${ms} ms`, 'TimeoutError')), ms);
  try {
    return await readAnswer(`${method} ${path}`, schema, () => fetch(path, { ...init, signal: timer.signal }));
  } catch (error) {
    if (isSignedOutError(error)) for (const listener of signedOutListeners) listener(error);
    throw error;
  } finally {
    clearTimeout(due);
  }
}

/** What a call with no answer (204) is read with. */
export const noAnswer = z.undefined();
