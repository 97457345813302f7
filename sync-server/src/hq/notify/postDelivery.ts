import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, hostOf, isInternalAddress } from './destination';

/** What one attempt came to: the receiver's status, or why there was none. */
export interface AttemptOutcome {
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly durationMs: number;
}

export interface PostOptions {
  readonly allowInternal: boolean;
  readonly timeoutMs: number;
  readonly now: () => number;
}

/**
 * POSTs one delivery. No redirect is followed (a 3xx is an answer, not a success); the answer's
 * body is read and dropped. Resolves, never rejects: a refused address, a DNS failure, a timeout
 * or a reset is an attempt with an error.
 */
export function postDelivery(target: string, headers: Record<string, string>, body: string, options: PostOptions): Promise<AttemptOutcome> {
  const started = options.now();
  const done = (statusCode: number | null, error: string | null): AttemptOutcome => ({ statusCode, error, durationMs: Math.max(0, options.now() - started) });
  const url = new URL(target);
  const host = hostOf(url);
  if (!options.allowInternal && isIP(host) !== 0 && isInternalAddress(host)) {
    return Promise.resolve(done(null, `${url.hostname} is an internal address; WEBHOOK_ALLOW_PRIVATE is off`));
  }
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = request(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'SealControl-Webhooks/1' },
      lookup: guardedLookup(options.allowInternal) as never,
      timeout: options.timeoutMs,
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(done(res.statusCode ?? null, null)));
      res.on('error', (error) => resolve(done(res.statusCode ?? null, error.message)));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    req.on('error', (error) => resolve(done(null, error.message.slice(0, 500))));
    req.end(body);
  });
}
