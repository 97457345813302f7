import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ServerContext } from '../context';
import { readSession, type SignedIn } from '../auth/sessions';
import { ApiError } from './errors';

export type { ServerContext };

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * The rate-limit groups of the auth routes, each one counter per client address shared by
 * its routes (a per-route limit would let a client spread its guesses over the routes):
 * - `codes`: routes that check a one-time code (setup, invitation): strict, as that is where
 *   guessing happens;
 * - `ceremonies`: sign-in and passkey ceremonies: looser, so that a site's tablets behind one
 *   address keep signing in while someone there mistypes a code.
 */
export type RateLimitGroup = 'codes' | 'ceremonies';

/** Requests per `timeWindow` (ms) per client address, by group. */
export type RateLimits = Readonly<Record<RateLimitGroup, { readonly max: number; readonly timeWindow: number }>>;

/** One API route: how it is called, documented and guarded. */
export interface RouteDef<B extends z.ZodType | undefined, Q extends z.ZodType | undefined, P extends z.ZodType | undefined> {
  readonly method: Method;
  /** Fastify path, e.g. `/api/units/:id`. */
  readonly url: string;
  readonly summary: string;
  readonly tag: string;
  /** `session`: a valid session cookie is required (401 otherwise); `public`: none. */
  readonly auth: 'public' | 'session';
  readonly body?: B;
  readonly query?: Q;
  readonly params?: P;
  /** Status → description of each answer, for the OpenAPI document. */
  readonly responses: Readonly<Record<number, string>>;
  /** The rate-limit group this route counts against, if any. */
  readonly rateLimited?: RateLimitGroup;
  /** A larger body bound than the server default (bytes), for endpoints that take more. */
  readonly bodyLimit?: number;
}

type Infer<T> = T extends z.ZodType ? z.output<T> : undefined;

/** What a handler receives: parsed input and, for `session` routes, who is signed in. */
export interface RouteInput<B, Q, P, S> {
  readonly body: B;
  readonly query: Q;
  readonly params: P;
  readonly signedIn: S;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

/** The routes of one server, registered with Fastify and listed for the OpenAPI document. */
export interface Api {
  readonly ctx: ServerContext;
  /** The Fastify instance, for lifecycle hooks (e.g. ending live streams on close). */
  readonly app: FastifyInstance;
  readonly routes: readonly RouteDef<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>[];
  route<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, P extends z.ZodType | undefined = undefined, A extends 'public' | 'session' = 'public' | 'session'>(
    def: RouteDef<B, Q, P> & { auth: A },
    handler: (input: RouteInput<Infer<B>, Infer<Q>, Infer<P>, A extends 'session' ? SignedIn : undefined>) => unknown,
  ): void;
}

function parse<T extends z.ZodType>(schema: T, value: unknown, code: 'invalid_body' | 'invalid_query', where: string): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ApiError(400, code, `The ${where} is not valid:\n${z.prettifyError(result.error)}`);
  return result.data;
}

const UNSAFE = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

/** Creates the route registry for a Fastify instance. */
export function createApi(app: FastifyInstance, ctx: ServerContext, rateLimits: RateLimits): Api {
  const routes: RouteDef<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>[] = [];
  const what: Record<RateLimitGroup, string> = { codes: 'setup or invitation code checks', ceremonies: 'sign-in or passkey attempts' };
  const limiter = (group: RateLimitGroup) => {
    // Each limiter has its own store; the key prefix keeps the groups apart in a shared one too.
    const limit = app.createRateLimit({ ...rateLimits[group], keyGenerator: (request) => `${group}:${request.ip}` });
    return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
      const verdict = await limit(request);
      // `isAllowed` means "on the allow list"; `isExceeded` is the verdict.
      if (verdict.isAllowed || !verdict.isExceeded) return;
      reply.header('retry-after', String(verdict.ttlInSeconds));
      throw new ApiError(429, 'rate_limited', `Too many ${what[group]} from this address: at most ${verdict.max} a minute; try again in ${verdict.ttlInSeconds} s`);
    };
  };
  const limiters: Record<RateLimitGroup, ReturnType<typeof limiter>> = { codes: limiter('codes'), ceremonies: limiter('ceremonies') };
  return {
    ctx,
    app,
    routes,
    route(def, handler) {
      routes.push(def);
      app.route({
        method: def.method,
        url: def.url,
        ...(def.rateLimited ? { onRequest: limiters[def.rateLimited] } : {}),
        ...(def.bodyLimit ? { bodyLimit: def.bodyLimit } : {}),
        handler: async (request, reply) => {
          // SameSite=Strict already keeps the cookie off cross-site requests; refusing foreign
          // origins outright also stops a page elsewhere from driving public ceremonies.
          const origin = request.headers.origin;
          if (UNSAFE.has(def.method) && origin !== undefined && !ctx.config.origins.includes(origin)) {
            throw new ApiError(403, 'origin_not_allowed', `Requests from origin "${origin}" are not accepted, expected one of ${ctx.config.origins.join(', ')}`);
          }
          const signedIn = def.auth === 'session' ? await readSession(ctx, request, reply) : undefined;
          const input = {
            body: def.body ? parse(def.body, request.body, 'invalid_body', 'request body') : undefined,
            query: def.query ? parse(def.query, request.query, 'invalid_query', 'query string') : undefined,
            params: def.params ? parse(def.params, request.params, 'invalid_query', 'path') : undefined,
            signedIn,
            request,
            reply,
          };
          const result = await handler(input as Parameters<typeof handler>[0]);
          if (reply.sent) return reply;
          if (result === undefined) return reply.status(204).send();
          return result;
        },
      });
    },
  };
}

const toJsonSchema = (schema: z.ZodType): unknown => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

/** The OpenAPI 3.1 document of every registered route. */
export function openApiDocument(routes: Api['routes'], extra: readonly { method: Method; url: string; summary: string; tag: string }[] = []): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const def of [...routes, ...extra.map((e) => ({ ...e, auth: 'public' as const, responses: { 200: 'OK' } }))]) {
    const path = def.url.replace(/:([A-Za-z][A-Za-z0-9]*)/g, '{$1}');
    const parameters: unknown[] = [...def.url.matchAll(/:([A-Za-z][A-Za-z0-9]*)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    if ('query' in def && def.query) {
      const schema = toJsonSchema(def.query) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(schema.properties ?? {})) {
        parameters.push({ name, in: 'query', required: schema.required?.includes(name) ?? false, schema: s });
      }
    }
    const responses = Object.fromEntries(Object.entries(def.responses).map(([status, description]) => [
      status,
      Number(status) >= 400 || Number(status) === 204
        ? { description, ...(Number(status) >= 400 ? { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } : {}) }
        : { description, content: { 'application/json': { schema: {} } } },
    ]));
    paths[path] ??= {};
    paths[path][def.method.toLowerCase()] = {
      summary: def.summary,
      tags: [def.tag],
      ...(def.auth === 'session' ? { security: [{ session: [] }] } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...('body' in def && def.body ? { requestBody: { required: true, content: { 'application/json': { schema: toJsonSchema(def.body) } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Seal Control sync-server', version: '0.1.0', description: 'Passkeys, sessions, organisation, roster, audit. Errors are { error, message }.' },
    components: {
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'sealctl_session', description: '`__Host-sealctl_session` when served over https' } },
      schemas: { Error: { type: 'object', required: ['error', 'message'], properties: { error: { type: 'string' }, message: { type: 'string' } } } },
    },
    paths,
  };
}
