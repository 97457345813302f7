import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { BLOB_BYTES_MEDIA_TYPE, decodeUtf8Strict, firstLoneSurrogate, JSON_LIMITS, parseJsonStrict, type JsonLimits } from '@seal/shared';
import { ApiError, errorReplyOf } from './errors';

/** The longest request target (path and query) accepted; the app's longest is well under 1 KiB. */
const MAX_URL_LENGTH = 8 * 1024;
/** The longest value of a header the server reads; a browser's cookie for this origin is ~100 bytes. */
const MAX_READ_HEADER_LENGTH = 8 * 1024;
/** Headers the server (or a hook of it) reads: each must be well-formed and bounded. */
const READ_HEADERS = ['cookie', 'origin', 'referer', 'sec-fetch-site', 'content-type', 'accept'] as const;

/** Per-route bounds, set through Fastify's route `config` (`{ jsonLimits }`); JSON_LIMITS otherwise. */
export interface InputGuardRouteConfig {
  readonly jsonLimits?: JsonLimits;
  /** The route takes bytes (`application/octet-stream`, handed over as a `Buffer`) instead of JSON. */
  readonly bytesBody?: boolean;
}

declare module 'fastify' {
  // Routes set these through their `config`.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface FastifyContextConfig extends InputGuardRouteConfig {}
}

const badRequest = (code: 'bad_unicode' | 'too_large' | 'bad_request', message: string): ApiError => new ApiError(400, code, message);

/** A control character (C0 or DEL) has no business in a URL; printable ASCII and UTF-8 bytes do. */
const hasControl = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
};
/** The highest UTF-16 code unit in a string (0 when empty). */
const maxCodeUnit = (text: string): number => {
  let max = 0;
  for (let i = 0; i < text.length; i++) max = Math.max(max, text.charCodeAt(i));
  return max;
};
const MALFORMED_ESCAPE = /%(?![0-9A-Fa-f]{2})/;

/** Percent-decodes one component strictly: malformed escapes and escaped non-UTF-8 are refused. */
function decodeComponent(raw: string, where: string): string {
  if (MALFORMED_ESCAPE.test(raw)) throw badRequest('bad_request', `${where} has a malformed percent-escape: expected % followed by two hex digits`);
  try {
    return decodeURIComponent(raw);
  } catch (error) {
    if (!(error instanceof URIError)) throw error;
    throw badRequest('bad_unicode', `${where} is not valid UTF-8 once percent-decoded: expected escapes of UTF-8 bytes (${raw.slice(0, 80)})`);
  }
}

/** The request target: bounded, no control characters, and every part decodes to well-formed Unicode. */
function checkUrl(url: string): void {
  if (url.length > MAX_URL_LENGTH) throw badRequest('too_large', `The URL is ${url.length} characters long: expected at most ${MAX_URL_LENGTH}`);
  if (hasControl(url)) throw badRequest('bad_request', 'The URL contains a control character: expected printable characters only');
  // Node hands raw non-ASCII bytes of the request line over one char per byte (latin1).
  if (maxCodeUnit(url) > 0x7f) checkHeaderText(url, 'The URL');
  const queryAt = url.indexOf('?');
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  for (const segment of path.split('/')) checkText(decodeComponent(segment, 'The path'), 'The path');
  if (queryAt < 0) return;
  for (const pair of url.slice(queryAt + 1).split('&')) {
    for (const part of pair.split('=')) checkText(decodeComponent(part.replace(/\+/g, ' '), 'The query string'), 'The query string');
  }
}

function checkText(text: string, where: string): void {
  const at = firstLoneSurrogate(text);
  if (at >= 0) throw badRequest('bad_unicode', `${where} is not well-formed Unicode: expected text, found a lone surrogate at position ${at}`);
}

/** A header value as Node gives it (one char per byte): its bytes must be UTF-8. */
function checkHeaderText(value: string, where: string): void {
  checkText(value, where);
  if (maxCodeUnit(value) <= 0xff) {
    const decoded = decodeUtf8Strict(Buffer.from(value, 'latin1'), where);
    if (!decoded.ok) throw badRequest('bad_unicode', decoded.error.message);
  }
}

function checkHeaders(request: FastifyRequest): void {
  for (const name of READ_HEADERS) {
    const raw: unknown = request.headers[name];
    const values: unknown[] = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
    for (const value of values) {
      if (typeof value !== 'string') continue;
      if (value.length > MAX_READ_HEADER_LENGTH) throw badRequest('too_large', `The ${name} header is ${value.length} characters long: expected at most ${MAX_READ_HEADER_LENGTH}`);
      checkHeaderText(value, `The ${name} header`);
    }
  }
}

/** The `charset` of a content type, lower-cased, if it names one. */
const charsetOf = (contentType: string | undefined): string | undefined =>
  /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')?.[1]?.toLowerCase();

/**
 * What every request passes before any route sees it, on every endpoint (API, sync, blobs,
 * static files and 404s alike):
 * - the URL (path, path parameters, query) and the headers the server reads are bounded and
 *   decode to well-formed Unicode (`too_large`, `bad_unicode`, 400);
 * - a JSON body is decoded as strict UTF-8, scanned for depth and duplicate keys before it is
 *   parsed (so no recursive step ever meets 200,000 levels), then walked (iteratively) for lone
 *   surrogates in strings and keys and for `__proto__` keys — see `parseJsonStrict` in shared;
 * - JSON is the only body type, but for routes that take bytes (`application/octet-stream`,
 *   attachment uploads), which take nothing else: anything else is 415, and so is JSON in a
 *   charset not UTF-8.
 * Size bounds are Fastify's `bodyLimit` (server default, raised per route) → 413.
 */
export function registerInputGuards(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    try {
      checkUrl(request.raw.url ?? '/');
      checkHeaders(request);
    } catch (refusal) {
      done(refusal as ApiError);
      return;
    }
    done();
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const charset = charsetOf(request.headers['content-type']);
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      done(new ApiError(415, 'unsupported_media_type', `The body is JSON in charset "${charset}": expected UTF-8`), undefined);
      return;
    }
    const config = request.routeOptions.config as InputGuardRouteConfig | undefined;
    if (config?.bytesBody === true) {
      done(new ApiError(415, 'unsupported_media_type', `This route takes bytes: expected content-type ${BLOB_BYTES_MEDIA_TYPE}, got JSON`), undefined);
      return;
    }
    const limits = config?.jsonLimits ?? JSON_LIMITS;
    const parsed = parseJsonStrict(body, limits);
    if (parsed.ok) done(null, parsed.value);
    else done(new ApiError(400, parsed.error.code, parsed.error.message), undefined);
  });
  // Bytes, only where a route says it takes them (and then nothing else).
  app.addContentTypeParser(BLOB_BYTES_MEDIA_TYPE, { parseAs: 'buffer' }, (request, body, done) => {
    if ((request.routeOptions.config as InputGuardRouteConfig | undefined)?.bytesBody === true) done(null, body);
    // No such route: it answers 404 whatever its body.
    else if (request.is404) done(null, undefined);
    else done(new ApiError(415, 'unsupported_media_type', `The body is ${BLOB_BYTES_MEDIA_TYPE}: expected application/json`), undefined);
  });
}

/**
 * Fastify's `frameworkErrors`: what its router refuses before any hook runs (a path that does
 * not percent-decode) is answered in the same `{ error, message }` shape as everything else.
 */
export const answerFrameworkError: NonNullable<FastifyServerOptions['frameworkErrors']> = (error, request, reply) => {
  let refused: unknown = error;
  try {
    // Name what is wrong with the URL in our words (`bad_unicode`, `too_large`…) when we can.
    checkUrl(request.raw.url ?? '/');
  } catch (own) {
    refused = own;
  }
  const { status, error: code, message } = errorReplyOf(refused);
  void (reply as FastifyReply).code(status).send({ error: code, message });
};

/** Node's own refusals of what is not HTTP, before Fastify sees a request: status, reason, code, message. */
function clientErrorAnswer(code: string | undefined): [number, string, string, string] {
  if (code === 'HPE_HEADER_OVERFLOW') return [431, 'Request Header Fields Too Large', 'too_large', 'The request headers are larger than the server accepts: expected at most 16 KiB of headers'];
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return [408, 'Request Timeout', 'bad_request', 'The request did not arrive in time: expected a whole request'];
  return [400, 'Bad Request', 'bad_request', `The request is not valid HTTP (${code ?? 'unparseable'}): expected an HTTP/1.1 request`];
}

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser refuses (headers too large, bytes
 * that are not HTTP) still gets a `{ error, message }` answer, and the connection is closed.
 */
export const answerClientError: NonNullable<FastifyServerOptions['clientErrorHandler']> = (error: Error & { code?: string }, socket: Socket) => {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason, code, message] = clientErrorAnswer(error.code);
  const body = JSON.stringify({ error: code, message });
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
};
