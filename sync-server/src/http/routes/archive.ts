import {
  archiveQuerySchema, archiveResponseSchema, chunkCount, fromBase64Url, isInSubtree, processSheetScansQuerySchema, processSheetScansResponseSchema, scanIdParamsSchema,
  useRequestSchema, ROLES, type ArchiveEntry, type ArchiveQuery, type FiledScan, type UnitId,
} from '@seal/shared';
import { holdsRoleOn, loadUnitTree, permission, requireAnyRole, type UnitTree } from '../../auth/scope';
import type { UserDoc } from '../../couch/model';
import { scansRepo, type ScanDoc } from '../../couch/scansRepo';
import type { Store } from '../../couch/store';
import { blobsRepo } from '../../sync/blobsRepo';
import { archivedImpressions } from '../../sync/impressionArchive';
import { mergeChangeRows } from '../../sync/recordStates';
import { rowsRepo } from '../../sync/rowsRepo';
import type { Api } from '../api';
import { ApiError, notFound } from '../errors';

const ARCHIVE_READERS = ['admin', 'custodian', 'auditor'] as const;
/** What the archive orders and filters, common to scans and impressions. */
type Filed = Pick<ScanDoc, 'id' | 'requestId' | 'filedAt' | 'title' | 'sealId' | 'sealName' | 'code' | 'unitId'> & { readonly storedCode?: string };
const cursorOf = (d: Filed): string => `${d.filedAt}_${d.id}`;
/** Most recent first, then by id: a total order, so a cursor names one place in it. */
const order = (a: Filed, b: Filed): number => b.filedAt - a.filedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const contains = (field: string, part: string | undefined): boolean => part === undefined || field.toLowerCase().includes(part.toLowerCase());
/** Whoever holds any role on a unit (or above) reads its requests, and so the scans filed to them. */
const readsUnit = (user: UserDoc, unitId: string, tree: UnitTree): boolean => holdsRoleOn(user, ROLES, unitId, tree);

/** The archive's filters (besides scope) over one scan or impression. */
const matches = (d: Filed, q: ArchiveQuery, tree: UnitTree): boolean =>
  contains(d.title, q.title) && (q.seal === undefined || d.sealId === q.seal || contains(d.sealName, q.seal))
  && (q.code === undefined || contains(d.code, q.code) || contains(d.storedCode ?? '', q.code) || contains(d.requestId, q.code))
  && (q.unit === undefined || isInSubtree(d.unitId as UnitId, q.unit as UnitId, tree)) && (q.from === undefined || d.filedAt >= q.from) && (q.to === undefined || d.filedAt < q.to);

/**
 * Reading what was filed: a request's scans (for whoever reads the request), a scan's image, and
 * the archive of stamped documents (`log.read`: administrators, custodians and auditors, within
 * their scope). The archive holds scanned process sheets and electronic impressions.
 */
export function archiveRoutes(api: Api, store: Store): void {
  const { ctx } = api;
  const rows = rowsRepo(store.couch.use(store.dbName('rows')));
  const blobs = blobsRepo(store.couch.use(store.dbName('blobs')));
  const scans = scansRepo(store.couch.use(store.dbName('scans')));
  const names = async (): Promise<Map<string, string>> => new Map((await ctx.repos.users.list()).map((u) => [u.id, u.name]));
  const view = ({ type: _t, name: _n, ...doc }: ScanDoc, people: Map<string, string>): FiledScan => ({ ...doc, filedByName: people.get(doc.filedBy) ?? doc.filedBy });

  api.route({
    method: 'GET', url: '/api/process-sheets/scans', tag: 'sync', auth: 'session', query: processSheetScansQuerySchema,
    summary: 'The process-sheet scans filed to one request, newest first (none for a request the reader may not read, or that is not recorded)',
    responses: { 200: processSheetScansResponseSchema, 400: 'invalid_query', 401: 'unauthenticated' },
  }, async ({ query, signedIn }) => {
    // A request not (yet) recorded, and one the reader may not read, answer alike: no scans.
    const request = useRequestSchema.safeParse(mergeChangeRows(await rows.changesOf('request', query.request)).json);
    if (!request.success || !readsUnit(signedIn.user, request.data.unitId, await loadUnitTree(ctx.repos.units))) return { scans: [] };
    const people = await names();
    return { scans: (await scans.ofRequest(query.request)).sort(order).map((d) => view(d, people)) };
  });

  api.route({
    method: 'GET', url: '/api/process-sheets/scans/:id/image', tag: 'sync', auth: 'session', params: scanIdParamsSchema,
    summary: "A filed scan's image (for whoever reads its request)",
    responses: { 200: { mediaType: 'image/png', description: 'The scan as filed' }, 400: 'invalid_query', 401: 'unauthenticated', 404: 'not_found' },
  }, async ({ params, signedIn, reply }) => {
    const scan = await scans.byFact(params.id);
    if (!scan || !readsUnit(signedIn.user, scan.unitId, await loadUnitTree(ctx.repos.units))) throw notFound(`Scan "${params.id}"`);
    const parts: Uint8Array[] = [];
    for (let index = 0; index < chunkCount(scan.size); index += 1) {
      const chunk = await blobs.getChunk(scan.sha256, index);
      if (chunk === undefined) throw notFound(`The bytes of scan "${params.id}"`);
      parts.push(fromBase64Url(chunk));
    }
    reply.header('content-type', scan.mime);
    reply.header('cache-control', 'private, max-age=86400, immutable');
    return Buffer.concat(parts);
  });

  api.route({
    method: 'GET', url: '/api/archive', tag: 'hq', auth: 'session', query: archiveQuerySchema,
    summary: 'Stamped documents (scanned process sheets and electronic impressions) in the reader\'s scope, by title, seal, unit, period and code, newest first, by cursor',
    responses: { 200: archiveResponseSchema, 400: 'invalid_query', 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found' },
  }, async ({ query, signedIn }) => {
    requireAnyRole(signedIn.user, ARCHIVE_READERS, 'search the archive');
    const tree = await loadUnitTree(ctx.repos.units);
    if (query.unit !== undefined && !tree.has(query.unit as UnitId)) throw notFound(`Unit "${query.unit}"`);
    const people = await names();
    const unitName = (id: string): string => tree.get(id as UnitId)?.name ?? id;
    const all: { filed: Filed; entry: () => ArchiveEntry }[] = [
      ...(await scans.list()).map((d) => ({ filed: d, entry: (): ArchiveEntry => ({ kind: 'paper_scan', ...view(d, people), unitName: unitName(d.unitId) }) })),
      ...(await archivedImpressions(rows)).map((d) => ({
        filed: d,
        entry: (): ArchiveEntry => {
          const { storedCode: _stored, ...shown } = d;
          return { kind: 'electronic_impression', ...shown, pages: [...d.pages], unitName: unitName(d.unitId), filedByName: people.get(d.filedBy) ?? d.filedBy };
        },
      })),
    ];
    const matching = all
      .filter(({ filed }) => permission(signedIn.user, 'log.read', { unitId: filed.unitId }, tree).ok && matches(filed, query, tree))
      .sort((a, b) => order(a.filed, b.filed));
    const start = query.cursor === undefined ? 0 : matching.findIndex(({ filed }) => cursorOf(filed) === query.cursor) + 1;
    if (query.cursor !== undefined && start === 0) throw new ApiError(400, 'invalid_query', 'The cursor names no entry of this listing: start again without it');
    const page = matching.slice(start, start + query.limit);
    const entries = page.map(({ entry }) => entry());
    return { entries, nextCursor: start + page.length < matching.length ? cursorOf(page.at(-1)!.filed) : null, total: matching.length };
  });
}
