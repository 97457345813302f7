import { actorPrefix, eventStreamSchema, pullQuerySchema, pullResponseSchema, pushRequestSchema, pushResponseSchema, streamQuerySchema, SYNC_STREAM_EVENTS, SYNC_STREAM_HEARTBEAT_MS, type ConfiguredRoute, type Roster } from '@seal/shared';
import type { Store } from '../../couch/store';
import { buildRoster } from '../../auth/roster';
import { loadUnitTree } from '../../auth/scope';
import type { Api } from '../api';
import { blobRoutes } from './blobs';
import { blobsRepo } from '../../sync/blobsRepo';
import { ChangeFeed } from '../../sync/changeFeed';
import { ApiError } from '../errors';
import { decodePullCheckpoint, externaliseUnitSets, fromLegacy, inlineUnitSets, unitsOutside } from '../../sync/pullCheckpoint';
import { unitSetStore, type UnitSetsDoc } from '../../sync/unitSets';
import { ScopedHints } from '../../sync/scopedHints';
import { pullRows } from '../../sync/pullRows';
import { denseSeqGuess, FeedReadAhead } from '../../sync/feedReadAhead';
import { pushRows } from '../../sync/pushRows';
import type { RowAudit } from '../../sync/pushContext';
import { RecordStates } from '../../sync/recordStates';
import { requireReplicaUser } from '../../sync/requireReplicaUser';
import { rowsRepo } from '../../sync/rowsRepo';
import { certificatesRepo } from '../../couch/certificatesRepo';
import { revokeSealCertificates } from '../../sync/revokeSealCertificates';
import { actorOf } from '../recordChange';
import { governanceRepo } from '../../couch/governanceRepo';
import { reportingAcceptedRows, type AcceptedRowsListener } from '../../sync/acceptedRows';
import { pushLockKeys, type KeyedLocks } from '../../sync/keyedLocks';

/** Pushes carry up to 500 rows: facts of a few KiB (a grant carries its decisions). */
const PUSH_BODY_LIMIT = 8 * 1024 * 1024;
const DEFAULT_PULL_LIMIT = 200;

/**
 * Replication endpoints: batched push (every row validated), checkpointed pull (scoped in
 * Node), a live stream of "pull now" hints (server-sent events), and attachment bytes. Nothing is
 * kept between requests but what the store holds. `pushLocks` are the per-subject locks a push
 * is judged and written under, shared with every other writer of pushed kinds of rows.
 */
export function syncRoutes(api: Api, store: Store, pushLocks: KeyedLocks, onAccepted?: AcceptedRowsListener): void {
  const { ctx } = api;
  const stored = rowsRepo(store.couch.use(store.dbName('rows')));
  // Checkpoints' large unit sets (ADR 010), a few per person, in the meta database.
  const metaDb = store.couch.use<UnitSetsDoc>(store.dbName('meta'));
  const governance = governanceRepo(store.couch.use(store.dbName('governance')));
  const certificatesDb = store.couch.use<object>(store.dbName('certificates'));
  const certificates = certificatesRepo(certificatesDb);
  // Rows the store takes for the first time are told to `onAccepted` (notifications, webhooks).
  const rows = onAccepted ? reportingAcceptedRows(stored, onAccepted, (err) => api.app.log.warn({ err }, 'accepted rows could not be passed on')) : stored;
  const readAhead = new FeedReadAhead(rows, store.kind === 'embedded' ? { guessNext: denseSeqGuess } : {});
  // Its counts, for tests and benches that check pages read ahead are served.
  api.app.decorate('syncFeedReadAhead', readAhead);
  const feed = new ChangeFeed(rows, (error) => api.app.log.warn({ err: error }, 'the store change feed failed; retrying'));
  const streams = new ScopedHints(
    feed,
    { user: (id) => ctx.repos.users.get(id), tree: () => loadUnitTree(ctx.repos.units), rosterVersion: () => ctx.repos.meta.rosterVersion() },
    (error) => api.app.log.warn({ err: error }, 'live hints failed for one batch of changes'),
  );
  api.app.addHook('preClose', (done) => {
    feed.close();
    for (const stream of streams.all()) stream.end();
    done();
  });

  api.route({
    method: 'POST', url: '/api/sync/push', tag: 'sync', auth: 'session', body: pushRequestSchema, bodyLimit: PUSH_BODY_LIMIT, readsUnitTree: true,
    summary: 'Push a batch of rows (facts and Automerge changes); each is answered accepted, duplicate or refused with a reason',
    responses: { 200: pushResponseSchema.describe('Each row answered accepted, duplicate or refused, in the order pushed'), 400: 'invalid_body', 401: 'unauthenticated | session_expired | replica_user_mismatch', 413: 'payload_too_large' },
  }, async ({ body, signedIn, request, unitTree }) => {
    requireReplicaUser(request, signedIn);
    let roster: Promise<Roster> | undefined;
    let routes: Promise<ConfiguredRoute[]> | undefined;
    const pushCtx = {
      user: signedIn.user,
      now: ctx.now(),
      tree: await unitTree(),
      actorPrefix: await actorPrefix(signedIn.user.id),
      records: new RecordStates(rows),
      deviceKeys: new Map(),
      roster: () => (roster ??= buildRoster(ctx.repos, ctx.config, ctx.orgKey, ctx.now())),
      rows, certificates, pushed: new Map(),
      audits: new Map(),
      auditRows: async <T>(owed: readonly { readonly rowId: string; readonly audit: RowAudit }[], write: () => Promise<{ readonly result: T; readonly written: ReadonlySet<string> }>) => {
        // Records another push left owing (its server died, or the audit log failed) are chained first.
        await ctx.rowAudits.reconcile().catch((err: unknown) => api.app.log.warn({ err }, "pushed rows' audit records could not be reconciled"));
        return ctx.rowAudits.around(owed.map(({ rowId, audit }) => ({ rowId, entry: { ...audit, actor: actorOf(signedIn) } })), write);
      },
      routes: () => (routes ??= governance.routes()),
      revokeSealCertificates: (sealId: string, reason: string) => revokeSealCertificates(certificatesDb, ctx.changes, sealId, reason, actorOf(signedIn), ctx.now()),
    };
    // Judged and written one push at a time per record (in this process): two pushes judged side by side
    // would each be judged against the store without the other (two creations of one record, two
    // changes under one actor's sequence number, two moves from one status, all accepted). The
    // server's own moves and edits of a seal (governance requests carried out) hold the same locks.
    const results = await pushLocks.run(pushLockKeys(body.rows), () => pushRows(body.rows, pushCtx, rows, ctx.now(), body.replica));
    // The clock as the answer leaves: the app learns its own clock's error from it (ADR 003, *Clocks*).
    return { results, serverTime: ctx.now() };
  });

  api.route({
    method: 'GET', url: '/api/sync/pull', tag: 'sync', auth: 'session', query: pullQuerySchema, readsUnitTree: true,
    summary: 'Rows in the user\'s scope after a checkpoint (opaque: the units delivered, a position in the store\'s change feed and in its scope index)',
    responses: { 200: pullResponseSchema, 400: 'invalid_query', 401: 'unauthenticated | session_expired | replica_user_mismatch' },
  }, async ({ query, signedIn, reply, request, unitTree }) => {
    requireReplicaUser(request, signedIn);
    reply.header('cache-control', 'no-store');
    const unitSets = unitSetStore(metaDb, signedIn.user.id);
    const inlined = await inlineUnitSets(query.since, unitSets);
    const checkpoint = decodePullCheckpoint(inlined.since);
    if (!checkpoint.ok) throw new ApiError(400, 'invalid_query', `The query string is not valid: since: ${checkpoint.message}`);
    const tree = await unitTree();
    const since = 'legacy' in checkpoint.value ? fromLegacy(checkpoint.value.legacy, tree) : checkpoint.value;
    const answer = await pullRows(signedIn.user, tree, rows, since, query.limit ?? DEFAULT_PULL_LIMIT, { replica: query.replica, scopeRef: query.scopeRef, maxScan: ctx.config.pullScanLimit, staleIndexFrom: ctx.config.pullStaleIndexFrom, orderedSeqs: store.kind === 'embedded', readAhead });
    // A set no longer held (or never written): what the replica holds is unknown, so every unit
    // outside today's scope is named as left (the replica drops any rows of those it holds).
    const left = inlined.unknown ? unitsOutside(signedIn.user, tree) : answer.left;
    return { ...answer, left, checkpoint: await externaliseUnitSets(answer.checkpoint, unitSets), serverTime: ctx.now() };
  });

  api.route({
    method: 'GET', url: '/api/sync/stream', tag: 'sync', auth: 'session', query: streamQuerySchema,
    summary: 'Server-sent events: `ready` once connected, `changes` whenever rows in the user\'s scope changed (then pull); none for rows only the `replica` listening pushed',
    responses: { 200: eventStreamSchema, 400: 'invalid_query', 401: 'unauthenticated | session_expired | replica_user_mismatch' },
  }, ({ query, request, reply, signedIn }) => {
    requireReplicaUser(request, signedIn);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(`retry: 3000\nevent: ${SYNC_STREAM_EVENTS.ready}\ndata: {}\n\n`);
    streams.add(res, signedIn.user.id, query.replica);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), SYNC_STREAM_HEARTBEAT_MS);
    request.raw.once('close', () => {
      clearInterval(heartbeat);
      streams.remove(res);
    });
  });

  blobRoutes(api, rows, blobsRepo(store.couch.use(store.dbName('blobs'))));
}
