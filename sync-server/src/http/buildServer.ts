import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { BLOB_BYTES_MEDIA_TYPE, healthResponseSchema, openApiDocumentSchema } from '@seal/shared';
import { CEREMONY_RATE_LIMIT_FACTOR, type ServerConfig } from '../config';
import type { Store } from '../couch/store';
import { openRepositories } from '../couch/repositories';
import type { AuditLog } from '../couch/auditLog';
import type { SessionsRepo } from '../couch/sessionsRepo';
import { changeJournal, INTENT_GRACE_MS } from '../couch/changeJournal';
import { rowAudits } from '../couch/rowAudits';
import { loadOrCreateOrgKey, type OrgKey } from '../auth/orgKey';
import { createApi, serializerCompiler, validatorCompiler, type Api, type BytesRoute, type ServerContext } from './api';
import { errorReplyOf, type ApiError } from './errors';
import { answerClientError, answerFrameworkError, registerInputGuards } from './inputGuards';
import { registerCsrfGuard } from './csrfGuard';
import { auditRoutes } from './routes/audit';
import { authRoutes } from './routes/auth';
import { decisionRoutes } from './routes/decisions';
import { deviceRoutes } from './routes/devices';
import { hqEvidenceRoutes } from './routes/hqEvidence';
import { invitationRoutes } from './routes/invitations';
import { passkeyRoutes } from './routes/passkeys';
import { revocationRoutes } from './routes/revocations';
import { rosterRoutes } from './routes/roster';
import { setupRoutes } from './routes/setup';
import { unitRoutes } from './routes/units';
import { unitMoveRoutes } from './routes/unitMoves';
import { userRoutes } from './routes/users';
import { userActivationRoutes } from './routes/userActivation';
import { reportingAcceptedRows } from '../sync/acceptedRows';
import { rowsRepo } from '../sync/rowsRepo';
import { deactivationFollowUps } from '../sync/deactivation';
import { processSheetRoutes } from './routes/processSheets';
import { archiveRoutes } from './routes/archive';
import { syncRoutes } from './routes/sync';
import { KeyedLocks } from '../sync/keyedLocks';
import { hqCaseRoutes } from './routes/hqCases';
import { hqReconciliationRoutes } from './routes/hqReconciliation';
import { hqRoutes } from './routes/hq';
import type { HqOptions } from '../hq/service';
import { casesAnomalyHook } from '../hq/anomalies/casesAnomalyHook';
import { casesRepo } from '../hq/anomalies/casesRepo';
import { notificationRoutes } from './routes/notifications';
import { webhookRoutes } from './routes/webhooks';
import { reportRoutes } from './routes/report';
import { indexReportSource } from '../hq/report/indexReportSource';
import { startNotifier } from '../hq/notify/notifier';
import { webhookDeliveryDocument } from './webhookDocument';
import { signingCertificateRoutes } from './routes/signingCertificates';
import { countersignRoutes } from './routes/countersign';
import { governanceRoutes } from './routes/governance';
import { approvalRouteRoutes } from './routes/approvalRoutes';
import { verifyRoutes } from './routes/verify';

export interface ServerDeps {
  readonly config: ServerConfig;
  readonly store: Store;
  /** The organisation key; loaded from (or generated at) `config.orgKeyPath` when not given. */
  readonly orgKey?: OrgKey;
  /** The clock, in milliseconds; tests move it. */
  readonly now?: () => number;
  /** Wraps the audit log (tests: one that fails, to show a change never stands without its record). */
  readonly auditLog?: (log: AuditLog) => AuditLog;
  /** Wraps the sessions (tests: a session write held back, to land a passkey's revocation before it is stored). */
  readonly sessions?: (repo: SessionsRepo) => SessionsRepo;
  /** Headquarters' index: paging, checkpoints, the anomaly detector's hook. */
  readonly hq?: HqOptions;
}

/** Default bound on request bodies; endpoints that take more (attachments) raise their own. */
export const DEFAULT_BODY_LIMIT = 256 * 1024;

/**
 * A request gets REQUEST_SECONDS to arrive whole (408 past it), a connection IDLE_SECONDS without a
 * byte either way, headers a minute; Node checks how long requests have taken a few times per limit.
 */
const timeouts = (config: ServerConfig) => ({
  requestTimeout: config.requestMs,
  connectionTimeout: config.idleMs,
  http: {
    headersTimeout: Math.min(60_000, config.requestMs),
    connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.round(Math.min(config.requestMs, 60_000) / 4))),
  },
});

/** Runs `task` every `ms` until the server closes (the timer keeps no process alive). */
function everyWhileOpen(app: FastifyInstance, ms: number, task: () => void): void {
  const timer = setInterval(task, ms);
  timer.unref();
  app.addHook('onClose', (_instance, done) => {
    clearInterval(timer);
    done();
  });
}

/** The HTTP face of the sync-server: API routes, `/healthz`, and the built PWA. */
export async function buildServer({ config, store, orgKey, now = Date.now, auditLog, sessions, hq }: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: DEFAULT_BODY_LIMIT,
    // A path parameter as long as the longest id a schema takes (a passkey's id: up to 1,364
    // characters), so that the schema judges it, not the router (Fastify's default stops at 100).
    maxParamLength: 2048,
    ...timeouts(config),
    logger: config.logLevel ? { level: config.logLevel } : false,
    trustProxy: false,
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
  });

  app.setErrorHandler((err: FastifyError | ApiError, request, reply) => {
    const { status, error, message } = errorReplyOf(err);
    if (status >= 500) request.log.error({ err }, 'request failed');
    return reply.status(status).send({ error, message });
  });
  registerInputGuards(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Filled as routes are registered below; read when the document is asked for.
  const bytesRoutes: BytesRoute[] = [];
  await registerOpenApi(app, bytesRoutes);

  registerCsrfGuard(app, config.origins);
  await app.register(fastifyCookie);
  // Limits are per server instance (memory); behind a load balancer each instance counts its own.
  await app.register(fastifyRateLimit, { global: false });

  const opened = openRepositories(store, now);
  const repos = { ...opened, audit: auditLog ? auditLog(opened.audit) : opened.audit, sessions: sessions ? sessions(opened.sessions) : opened.sessions };
  const changes = changeJournal(store, repos.audit, repos.meta, now, (err, intent) => app.log.warn({ err, intent }, 'a journalled change could not be settled yet'));
  const owedAudits = rowAudits(store, repos.audit, now, (err, intent) => app.log.warn({ err, intent }, "a pushed row's audit record could not be chained yet"));
  // A change left half-made by a crash is finished or undone before this server makes new ones.
  await changes.reconcile().catch((err: unknown) => app.log.warn({ err }, 'journalled changes could not be reconciled at start'));
  await owedAudits.reconcile().catch((err: unknown) => app.log.warn({ err }, "pushed rows' audit records could not be reconciled at start"));
  // And again while running: an intent another instance left behind when it died is settled
  // once it is older than the grace period, even if no new change comes to trigger it.
  everyWhileOpen(app, INTENT_GRACE_MS, () => {
    changes.reconcile().catch((err: unknown) => app.log.warn({ err }, 'journalled changes could not be reconciled'));
    owedAudits.reconcile().catch((err: unknown) => app.log.warn({ err }, "pushed rows' audit records could not be reconciled"));
  });
  const ctx: ServerContext = { config, repos, changes, rowAudits: owedAudits, orgKey: orgKey ?? (await loadOrCreateOrgKey(config.orgKeyPath)), now };
  const api = createApi(app, ctx, {
    codes: { max: config.authRateLimitPerMinute, timeWindow: 60_000 },
    ceremonies: { max: config.authRateLimitPerMinute * CEREMONY_RATE_LIMIT_FACTOR, timeWindow: 60_000 },
  }, bytesRoutes);
  for (const register of [setupRoutes, authRoutes, passkeyRoutes, invitationRoutes, unitRoutes, (withApi: typeof api) => unitMoveRoutes(withApi, store), rosterRoutes, decisionRoutes, auditRoutes]) register(api);
  const notifier = await startNotifier({
    store, repos, settings: config.webhooks, now,
    warn: (err, message) => app.log.warn({ err }, message),
    log: (line) => app.log.info(line),
  });
  app.addHook('onClose', async () => notifier.close());
  webhookRoutes(api, notifier);
  notificationRoutes(api, notifier);
  deviceRoutes(api, store);
  hqEvidenceRoutes(api, store);
  revocationRoutes(api, store);
  // A seal's moves and edits are judged and written one at a time, pushed or carried out by the server.
  const subjectLocks = new KeyedLocks();
  syncRoutes(api, store, subjectLocks, notifier.onAccepted);
  userRoutes(api, store);
  const followUps = deactivationFollowUps({
    repos, changes, now,
    rows: reportingAcceptedRows(rowsRepo(store.couch.use(store.dbName('rows'))), notifier.onAccepted, (err) => app.log.warn({ err }, 'accepted rows could not be passed on')),
    certificates: store.couch.use<object>(store.dbName('certificates')),
    onError: (err, userId) => app.log.warn({ err, userId }, 'a deactivation cut short could not be finished yet'),
  });
  userActivationRoutes(api, followUps);
  // A deactivation cut short (the store failed, or a server stopped, between its commit and its
  // follow-ups) is finished at start, and by whichever server's round comes first after the grace.
  const finishDeactivations = (olderThanMs?: number) =>
    followUps.reconcile(olderThanMs).catch((err: unknown) => app.log.warn({ err }, 'deactivations cut short could not be finished yet'));
  await finishDeactivations(0);
  everyWhileOpen(app, INTENT_GRACE_MS, () => void finishDeactivations());
  processSheetRoutes(api, store, notifier.onAccepted);
  archiveRoutes(api, store);
  hqCaseRoutes(api, store);
  signingCertificateRoutes(api, store);
  countersignRoutes(api, store);
  governanceRoutes(api, store, subjectLocks, notifier.onAccepted);
  approvalRouteRoutes(api, store);
  verifyRoutes(api, store);
  hqReconciliationRoutes(api, store);
  // The merged log's "anomalies only" and the dashboard's anomaly counts come from the cases.
  const hqService = hqRoutes(api, store, { ...hq, anomalies: hq?.anomalies ?? casesAnomalyHook(store) });
  // The PDF report reads the dashboard's aggregates (the same index, the same days and buckets).
  reportRoutes(api, indexReportSource(hqService, repos.units, () => casesRepo(store.couch.use(store.dbName('cases'))).list()));
  healthRoutes(api, store);
  const hasApp = existsSync(join(config.staticDir, 'index.html'));
  if (hasApp) {
    await app.register(fastifyStatic, {
      root: config.staticDir,
      wildcard: false,
      setHeaders(res, path) {
        // The service worker and the HTML shell must be revalidated so updates reach tablets.
        if (/(sw\.js|workbox-[^/]*\.js|index\.html|manifest\.webmanifest)$/.test(path)) {
          res.header('cache-control', 'no-cache');
        } else if (/\/assets\//.test(path)) {
          res.header('cache-control', 'public, max-age=31536000, immutable');
        }
      },
    });
  }

  app.setNotFoundHandler((request, reply) => {
    const isApi = request.url.startsWith('/api/') || request.url === '/api';
    // Client-side routes of the PWA fall back to its shell.
    if (hasApp && !isApi && request.method === 'GET' && (request.headers.accept ?? '').includes('text/html')) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    return reply.status(404).send({ error: 'not_found', message: `No route for ${request.method} ${request.url}` });
  });

  return app;
}

/**
 * The OpenAPI 3.1 document, generated by `@fastify/swagger` from the routes' zod schemas (the
 * same ones that check requests and answers, from shared/src/api): registered before any route,
 * so that it sees every one.
 */
async function registerOpenApi(app: FastifyInstance, bytesRoutes: readonly BytesRoute[]): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Seal Control sync-server', version: '0.1.0', description: 'Passkeys, sessions, organisation, roster, audit, replication. Errors are { error, message }.' },
      components: {
        securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'sealctl_session', description: '`__Host-sealctl_session` when served over https' } },
      },
      webhooks: webhookDeliveryDocument(),
    },
    transform: jsonSchemaTransform,
    // A route that takes bytes has no body schema (zod describes JSON): its body is described here.
    transformObject: (document) => {
      if (!('openapiObject' in document)) return document.swaggerObject;
      const { openapiObject } = document;
      for (const route of bytesRoutes) {
        const operation = openapiObject.paths?.[route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]?.[route.method.toLowerCase() as 'put'];
        if (operation) operation.requestBody = { required: true, description: route.description, content: { [BLOB_BYTES_MEDIA_TYPE]: { schema: { type: 'string', format: 'binary' } } } };
      }
      return openapiObject;
    },
  });
}

/** `/healthz` and this API's own document. */
function healthRoutes(api: Api, store: Store): void {
  api.route({
    method: 'GET', url: '/healthz', tag: 'health', auth: 'public',
    summary: 'Liveness and store reachability (503 when the store is down)',
    responses: { 200: healthResponseSchema.describe('The server and its store are up'), 503: healthResponseSchema.describe('The store cannot be reached') },
  }, async ({ reply }) => {
    const storeHealth = await store.health();
    reply.status(storeHealth.reachable ? 200 : 503).header('cache-control', 'no-store');
    return { status: storeHealth.reachable ? 'ok' : 'degraded', store: storeHealth };
  });

  api.route({
    method: 'GET', url: '/api/openapi.json', tag: 'health', auth: 'public',
    summary: 'This document',
    responses: { 200: openApiDocumentSchema.describe('The OpenAPI 3.1 document of every route') },
  }, ({ reply }) => {
    reply.header('cache-control', 'no-cache');
    return api.app.swagger();
  });
}
