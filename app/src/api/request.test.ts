import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { unitsResponseSchema } from '@seal/shared';
import { ApiError, isReplicaHaltError, isSignedOutError } from './ApiError';
import { apiRequest, deadlineMs, onSignedOut, REQUEST_DEADLINE } from './request';

/** `fetch` answering once with `body` (text, or JSON of a value) and `status`. */
function answer(body: unknown, status = 200, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  vi.stubGlobal('fetch', vi.fn(() => Promise.resolve(new Response(text, { status, headers: { 'content-type': 'application/json', ...headers } }))));
}

/** The error `promise` rejects with (the test fails if it resolves). */
async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const outcome = await promise.then(() => undefined, (error: unknown) => error);
  expect(outcome).toBeInstanceOf(ApiError);
  return outcome as ApiError;
}

const hq = { id: 'hq', name: 'HQ', kind: 'hq', parentId: null, createdAt: 1, updatedAt: 2 };

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('apiRequest reads every answer with its schema', () => {
  it('resolves with the parsed answer when it matches', async () => {
    answer({ units: [hq] });
    await expect(apiRequest('GET', '/api/units', unitsResponseSchema)).resolves.toEqual({ units: [hq] });
  });

  it('rejects an answer of another shape as bad_response, the ZodError as its cause, saying where', async () => {
    answer({ units: [{ ...hq, kind: 'castle' }] });
    const error = await refusal(apiRequest('GET', '/api/units', unitsResponseSchema));
    expect(error).toMatchObject({ status: 200, code: 'bad_response' });
    expect(error.cause).toBeInstanceOf(z.ZodError);
    expect(error.message).toMatch(/GET \/api\/units/);
    expect(error.message).toMatch(/units\[0\]\.kind/);
  });

  it('rejects an answer that is not JSON as bad_response', async () => {
    answer('<html>proxy error</html>');
    const error = await refusal(apiRequest('GET', '/api/units', unitsResponseSchema));
    expect(error).toMatchObject({ code: 'bad_response' });
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('rejects with the server\'s code and message on a refusal, its body as the cause', async () => {
    answer({ error: 'rate_limited', message: 'Too many' }, 429, { 'retry-after': '30' });
    const error = await refusal(apiRequest('GET', '/api/units', unitsResponseSchema));
    expect(error).toMatchObject({ status: 429, code: 'rate_limited', message: 'Too many', retryAfterSeconds: 30, cause: { error: 'rate_limited' } });
  });

  it('names a failed answer without an error body by its status', async () => {
    answer('', 502);
    expect(await refusal(apiRequest('GET', '/api/units', unitsResponseSchema))).toMatchObject({ status: 502, code: 'internal_error' });
  });

  it('takes a 408 (the server stopped waiting for the request to arrive) as a slow link: network, retried, with or without the server\'s body', async () => {
    for (const body of ['', { error: 'bad_request', message: 'The request did not arrive in time' }]) {
      answer(body, 408);
      expect(await refusal(apiRequest('GET', '/api/units', unitsResponseSchema))).toMatchObject({ status: 408, code: 'network' });
    }
  });

  it('rejects with network when no answer came, the fetch error as its cause', async () => {
    const cause = new TypeError('Failed to fetch');
    vi.stubGlobal('fetch', vi.fn(() => Promise.reject(cause)));
    const error = await refusal(apiRequest('GET', '/api/units', unitsResponseSchema));
    expect(error).toMatchObject({ status: 0, code: 'network' });
    expect(error.cause).toBe(cause);
  });

  it('tells the signed-out listeners, and the codes classify the error', async () => {
    const heard: ApiError[] = [];
    const stop = onSignedOut((error) => heard.push(error));
    answer({ error: 'session_expired', message: 'Your session ended' }, 401);
    const error = await refusal(apiRequest('GET', '/api/units', unitsResponseSchema));
    stop();
    expect(heard).toEqual([error]);
    expect(isSignedOutError(error)).toBe(true);
    const mismatch = new ApiError({ status: 401, code: 'replica_user_mismatch', message: 'another user', cause: undefined });
    expect(isSignedOutError(mismatch)).toBe(false);
    expect(isReplicaHaltError(mismatch)).toBe(true);
  });
});

describe('apiRequest\'s deadline', () => {
  it('gives every call 30 s, and a second more for each 8 KiB it carries (the rule replication follows too)', () => {
    expect(deadlineMs(0)).toBe(REQUEST_DEADLINE.baseMs);
    expect(REQUEST_DEADLINE.baseMs).toBe(30_000);
    expect(deadlineMs(8 * 1024)).toBe(31_000);
    expect(deadlineMs(80 * 1024)).toBe(40_000);
  });
});
