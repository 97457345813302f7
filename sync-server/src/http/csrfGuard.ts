import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from './errors';

/** Methods that change state: they must come from a page of ours. */
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Why an unsafe request may not have come from one of our pages, or `undefined` when it did.
 *
 * Browsers send `Origin` on every non-GET request (same-origin ones too) and, where they support
 * Fetch Metadata, `Sec-Fetch-Site`; a page cannot forge either. So a request proves it comes from
 * our app when its `Origin` is one we serve from, or — with no `Origin` at all — when the browser
 * says `Sec-Fetch-Site: same-origin`. Anything else is refused: a foreign or opaque (`null`)
 * origin, a browser that says the request is cross-site (our origins all lie within one RP ID, so
 * none of ours is ever cross-site to another), or no evidence at all. The session cookie is
 * SameSite=Strict as well; this does not rely on it.
 */
function csrfRefusal(request: Pick<FastifyRequest, 'method' | 'headers'>, origins: readonly string[]): string | undefined {
  if (!UNSAFE.has(request.method.toUpperCase())) return undefined;
  const origin = request.headers.origin;
  const site = request.headers['sec-fetch-site'];
  const expected = `expected Origin ${origins.map((o) => `"${o}"`).join(' or ')} (or Sec-Fetch-Site: same-origin)`;
  if (site === 'cross-site') return `A cross-site ${request.method} is not accepted: ${expected}, got Sec-Fetch-Site: cross-site${origin === undefined ? '' : ` from "${origin}"`}`;
  if (origin !== undefined) return origins.includes(origin) ? undefined : `Requests from origin "${origin}" are not accepted: ${expected}`;
  if (site === 'same-origin') return undefined;
  return `A ${request.method} without an Origin header is not accepted: ${expected}, got ${site === undefined ? 'neither' : `Sec-Fetch-Site: ${String(site)}`}`;
}

/**
 * Refuses (403 `origin_not_allowed`) every state-changing request that does not prove it comes
 * from one of `origins`, before routing, parsing or session lookup: one hook for every route,
 * present and future, so no route can forget it.
 */
export function registerCsrfGuard(app: FastifyInstance, origins: readonly string[]): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const refusal = csrfRefusal(request, origins);
    done(refusal === undefined ? undefined : new ApiError(403, 'origin_not_allowed', refusal));
  });
}
