import type { FastifyInstance, FastifyReply, FastifyRequest, RequestPayload, FastifySchema, FastifySchemaCompiler, FastifySerializerCompiler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { apiErrorBodySchema, BLOB_BYTES_MEDIA_TYPE } from '@seal/shared';
import type { ServerContext } from '../context';
import { hasSessionCookie, lookUpSession, settleSession, type SignedIn } from '../auth/sessions';
import { loadUnitTree, type UnitTree } from '../auth/scope';
import { ApiError } from './errors';

export type { ServerContext };

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * How long (ms) a session route's reads made while its body arrived stay good for its handler
 * (see `readAhead` in {@link createApi}): past that they are made again.
 */
export const READ_AHEAD_FRESH_MS = 250;

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

/**
 * The answers of a route, by status: a schema (from shared/src/api) for each success, whose
 * `description` documents it; a sentence for each refusal, whose body is always
 * `{ error, message }` ({@link apiErrorBodySchema}).
 */
export type Responses = Readonly<Record<number, z.ZodType | string | FileAnswer>>;

/** An answer that is a file, not JSON (a PDF report): its media type and what it is. */
export interface FileAnswer {
  readonly mediaType: string;
  readonly description: string;
}

/** One API route: how it is called, documented and guarded. */
export interface RouteDef<B extends z.ZodType | undefined, Q extends z.ZodType | undefined, P extends z.ZodType | undefined, R extends Responses> {
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
  readonly responses: R;
  /** The rate-limit group this route counts against, if any. */
  readonly rateLimited?: RateLimitGroup;
  /** A larger body bound than the server default (bytes), for endpoints that take more. */
  readonly bodyLimit?: number;
  /**
   * The route takes bytes (`application/octet-stream`, handed to it as a `Buffer`), not JSON:
   * what they are, for the API's document. Exclusive with `body`.
   */
  readonly bytesBody?: { readonly description: string };
  /**
   * The route judges scope on every request (the sync routes): the organisation's tree is read
   * beside the session, not after it (`RouteInput.unitTree`) — once a session cookie is there.
   */
  readonly readsUnitTree?: true;
}

/** A route that takes bytes, as the API's document describes it. */
export interface BytesRoute {
  readonly method: Method;
  readonly url: string;
  readonly description: string;
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
  /** The organisation's tree, as `loadUnitTree` reads it (already on its way for a route that `readsUnitTree`). */
  readonly unitTree: () => Promise<UnitTree>;
}

/** The routes of one server, registered with Fastify (which documents them, see `registerOpenApi`). */
export interface Api {
  readonly ctx: ServerContext;
  /** The Fastify instance, for lifecycle hooks (e.g. ending live streams on close). */
  readonly app: FastifyInstance;
  route<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, P extends z.ZodType | undefined = undefined, R extends Responses = Responses, A extends 'public' | 'session' = 'public' | 'session'>(
    def: RouteDef<B, Q, P, R> & { auth: A },
    handler: (input: RouteInput<Infer<B>, Infer<Q>, Infer<P>, A extends 'session' ? SignedIn : undefined>) => unknown,
  ): void;
}

/**
 * Request parts are checked by their zod schema; a failure keeps the `ZodError` itself, so that
 * the route can refuse it in the project's words (400 `invalid_body` / `invalid_query`, saying
 * where) once it has checked the origin and the session, in that order, as before any schema.
 */
export const validatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema }) => (data) => {
  const result = schema.safeParse(data);
  return result.success ? { value: result.data } : { error: result.error };
};

/**
 * Answers are checked against their schema before they leave (a mismatch is the server's bug:
 * 500, logged), and sent as the handler made them: a schema never strips or rewrites an answer
 * (a signed roster must reach the client byte for byte as it was signed).
 */
export const serializerCompiler: FastifySerializerCompiler<z.ZodType> = ({ schema, method, url }) => (data) => {
  const result = schema.safeParse(data);
  if (!result.success) throw new ApiError(500, 'internal_error', `The answer of ${method} ${url} does not match its schema`, { cause: result.error });
  return JSON.stringify(data);
};

const where = { body: ['invalid_body', 'request body'], querystring: ['invalid_query', 'query string'], params: ['invalid_query', 'path'] } as const;

/** The refusal of a request part its schema refused (see {@link validatorCompiler}). */
function validationRefusal(error: Error & { validationContext?: string }): ApiError {
  const [code, part] = where[error.validationContext as keyof typeof where] ?? where.body;
  const details = error instanceof z.ZodError ? z.prettifyError(error) : error.message;
  return new ApiError(400, code, `The ${part} is not valid:\n${details}`, { cause: error });
}

const UNSAFE = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

/** A file's bytes in the document: `{ type: string, format: binary }`. */
const FILE_BYTES = z.string().meta({ format: 'binary' });

const refusal = (description: string) => ({ description, content: { 'application/json': { schema: apiErrorBodySchema } } });

/**
 * The Fastify `schema` of a route: its parts, and every answer it can give. Besides the route's
 * own, every route may refuse hostile input (400, 413, 415: the input guards run on all of
 * them) and fail (500); a session route may answer 401, a state-changing one 403 (foreign
 * origin), a rate-limited one 429.
 */
function fastifySchema(def: RouteDef<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined, Responses>): FastifySchema {
  const response: Record<string, unknown> = {
    400: refusal('bad_request | invalid_json | invalid_body | invalid_query | bad_unicode | too_deep | too_large | duplicate_key | forbidden_key'),
    413: refusal('payload_too_large'),
    415: refusal('unsupported_media_type'),
    500: refusal('internal_error'),
    ...(def.auth === 'session' ? { 401: refusal('unauthenticated | session_expired') } : {}),
    ...(UNSAFE.has(def.method) ? { 403: refusal('origin_not_allowed') } : {}),
    ...(def.rateLimited ? { 429: refusal('rate_limited') } : {}),
  };
  for (const [status, answer] of Object.entries(def.responses)) {
    if (typeof answer === 'string') response[status] = refusal(answer);
    // A file is sent as bytes (a Buffer, which Fastify never serialises): documented, not checked.
    else if ('mediaType' in answer) response[status] = { description: answer.description, content: { [answer.mediaType]: { schema: FILE_BYTES } } };
    // An empty answer is described by its schema alone (`null`: no content).
    else if (Number(status) === 204) response[status] = answer;
    else response[status] = { description: answer.description ?? 'OK', content: { 'application/json': { schema: answer } } };
  }
  return {
    summary: def.summary,
    tags: [def.tag],
    ...(def.auth === 'session' ? { security: [{ session: [] }] } : {}),
    ...(def.body ? { body: def.body } : {}),
    ...(def.query ? { querystring: def.query } : {}),
    ...(def.params ? { params: def.params } : {}),
    response,
  };
}

/**
 * Creates the route registry for a Fastify instance; `bytesRoutes` is filled with the routes
 * that take bytes, as they are registered (the API's document reads it).
 */
export function createApi(app: FastifyInstance, ctx: ServerContext, rateLimits: RateLimits, bytesRoutes: BytesRoute[] = []): Api {
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
  const typed = app.withTypeProvider<ZodTypeProvider>();
  /** The reads a session route started before its body was parsed (see `readAhead`). */
  const readsAhead = new WeakMap<FastifyRequest, { readonly session: Promise<SignedIn>; readonly tree: Promise<UnitTree> | undefined; readonly at: number }>();
  return {
    ctx,
    app,
    route(def, handler) {
      /**
       * A session route's reads start as soon as its headers are in (after the origin guard, the
       * rate limit and the input guards; before the body is read and parsed): the session with its
       * user and, for a route that reads it, the unit tree come from the store while the body
       * arrives and is parsed, not after it (a push waited ~3 ms a batch for them). The handler
       * takes them where it read them before, so refusals come in the same order, and only while
       * they are fresh ({@link READ_AHEAD_FRESH_MS}): a body that took longer to arrive (a slow
       * link, or a client holding it back) gets both read again, so a sign-out, revocation or
       * role change meanwhile counts as it did before. Only a request carrying a session cookie
       * reads anything. One whose body is refused (400, 413, 415) has looked its session up for
       * nothing (marking it seen, as any request of its holder does); its answer is untouched
       * (an ended session's cookie is cleared only by the refusal that says so).
       */
      const readAhead = async (request: FastifyRequest, _reply: FastifyReply, payload: RequestPayload): Promise<RequestPayload> => {
        if (hasSessionCookie(ctx, request)) {
          const session = lookUpSession(ctx, request);
          const tree = def.readsUnitTree ? loadUnitTree(ctx.repos.units) : undefined;
          // Left unread when the request is refused before its handler, or its body came late: their failures then belong to no one.
          session.catch(() => undefined);
          tree?.catch(() => undefined);
          readsAhead.set(request, { session, tree, at: performance.now() });
        }
        return payload;
      };
      if (def.bytesBody) {
        if (def.body) throw new Error(`${def.method} ${def.url} takes bytes or JSON, not both`);
        bytesRoutes.push({ method: def.method, url: def.url, description: def.bytesBody.description });
      }
      typed.route({
        method: def.method,
        url: def.url,
        schema: fastifySchema(def),
        ...(def.bytesBody ? { config: { bytesBody: true } } : {}),
        // The route refuses a part its schema refused itself, after the origin and session checks.
        attachValidation: true,
        ...(def.rateLimited ? { onRequest: limiters[def.rateLimited] } : {}),
        ...(def.bodyLimit ? { bodyLimit: def.bodyLimit } : {}),
        ...(def.auth === 'session' ? { preParsing: readAhead } : {}),
        handler: async (request, reply) => {
          // SameSite=Strict already keeps the cookie off cross-site requests; refusing foreign
          // origins outright also stops a page elsewhere from driving public ceremonies.
          const origin = request.headers.origin;
          if (UNSAFE.has(def.method) && origin !== undefined && !ctx.config.origins.includes(origin)) {
            throw new ApiError(403, 'origin_not_allowed', `Requests from origin "${origin}" are not accepted, expected one of ${ctx.config.origins.join(', ')}`);
          }
          const read = readsAhead.get(request);
          const ahead = read && performance.now() - read.at <= READ_AHEAD_FRESH_MS ? read : undefined;
          let early = def.readsUnitTree ? ahead?.tree : undefined;
          if (def.readsUnitTree && !ahead && def.auth === 'session' && hasSessionCookie(ctx, request)) {
            early = loadUnitTree(ctx.repos.units);
            // Left unread when the session is refused: its failure then belongs to no one.
            early.catch(() => undefined);
          }
          const signedIn = def.auth === 'session' ? await settleSession(ctx, ahead?.session ?? lookUpSession(ctx, request), reply) : undefined;
          if (request.validationError) throw validationRefusal(request.validationError);
          if (def.bytesBody && !Buffer.isBuffer(request.body)) throw new ApiError(400, 'invalid_body', `The request body is empty: expected bytes (${BLOB_BYTES_MEDIA_TYPE})`);
          const unitTree = () => early ?? loadUnitTree(ctx.repos.units);
          const input = { body: request.body, query: request.query, params: request.params, signedIn, request, reply, unitTree };
          const result = await handler(input as Parameters<typeof handler>[0]);
          if (reply.sent) return reply;
          if (result === undefined) return reply.status(204).send();
          return result;
        },
      });
    },
  };
}
