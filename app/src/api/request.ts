import { ApiError, isSignedOutError } from './ApiError';

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

type Method = 'GET' | 'POST' | 'PATCH';

interface ErrorBody {
  readonly error: string;
  readonly message: string;
}

const isErrorBody = (value: unknown): value is ErrorBody =>
  typeof value === 'object' && value !== null && typeof (value as ErrorBody).error === 'string' && typeof (value as ErrorBody).message === 'string';

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new ApiError({
      status: response.status,
      code: 'bad_response',
      message: `Expected JSON from ${response.url}, got ${JSON.stringify(text.slice(0, 80))}`,
      cause,
    });
  }
}

/**
 * One call to the sync-server's JSON API (same origin, session cookie included). Resolves with
 * the parsed body (`undefined` for 204); rejects with an {@link ApiError} whose `code` is the
 * server's `error`, or `offline` / `network` / `bad_response` when no usable answer came.
 *
 * The body type is the caller's promise about the route (see sync-server/src/http/routes), not
 * checked here: the server is ours and validates what it sends.
 */
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

export async function apiRequest<T>(method: Method, path: string, body?: unknown): Promise<T> {
  if (!navigator.onLine) {
    throw new ApiError({ status: 0, code: 'offline', message: `No network: ${method} ${path} was not sent` });
  }
  let response: Response;
  try {
    response = await fetch(path, jsonRequestInit(method, body));
  } catch (cause) {
    const code = navigator.onLine ? 'network' : 'offline';
    throw new ApiError({ status: 0, code, message: `${method} ${path} got no answer from the server`, cause });
  }
  const parsed = await readJson(response);
  if (response.ok) return parsed as T;
  if (isErrorBody(parsed)) {
    const retryAfter = Number(response.headers.get('retry-after'));
    const error = new ApiError({
      status: response.status,
      code: parsed.error,
      message: parsed.message,
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
    });
    if (isSignedOutError(error)) for (const listener of signedOutListeners) listener(error);
    throw error;
  }
  throw new ApiError({
    status: response.status,
    code: response.status === 429 ? 'rate_limited' : response.status >= 500 ? 'internal_error' : 'bad_response',
    message: `${method} ${path} answered ${response.status} without an error body`,
  });
}
