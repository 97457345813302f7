import {
  DAY_MS, hqDashboardQuerySchema, hqDashboardResponseSchema, hqEventsCsvQuerySchema, hqEventsQuerySchema, hqEventsResponseSchema,
  type Action, type HqEventsCsvQuery,
} from '@seal/shared';
import type { Store } from '../../couch/store';
import { eventsCsv } from '../../hq/csv';
import { dashboardScope, readScope } from '../../hq/scope';
import { HqService, type HqFilter, type HqOptions } from '../../hq/service';
import type { UserDoc } from '../../couch/model';
import type { Api } from '../api';
import { ApiError } from '../errors';

const DEFAULT_PERIOD_MS = 30 * DAY_MS;

/**
 * Headquarters: the merged log of every site (filters, cursor pages, counts), its CSV, and the
 * dashboard. Readers see their subtrees only (`log.read`, `report.view`, `export`).
 */
export function hqRoutes(api: Api, store: Store, options: HqOptions = {}): HqService {
  const { ctx } = api;
  const service = new HqService(store, options);

  const filterOf = async (user: UserDoc, action: Action, query: HqEventsCsvQuery): Promise<{ filter: HqFilter; unitName: (id: string) => string }> => {
    if (query.from !== undefined && query.to !== undefined && query.from >= query.to) throw new ApiError(400, 'invalid_query', '`from` must be before `to`');
    const scope = await readScope(ctx.repos.units, user, action, query.unit);
    const units = scope.tree as ReadonlyMap<string, { name?: string }>;
    return {
      filter: {
        unitIds: scope.unitIds, allUnits: scope.allUnits, seal: query.seal, device: query.device, person: query.person,
        kinds: query.kind && query.kind.length > 0 ? query.kind : undefined, from: query.from, to: query.to, anomalies: query.anomalies,
      },
      unitName: (id) => units.get(id)?.name ?? '',
    };
  };

  api.route({
    method: 'GET', url: '/api/hq/events', tag: 'hq', auth: 'session', query: hqEventsQuerySchema,
    summary: "The merged log of the reader's scope, newest first: filters, an opaque cursor stable under new events, and counts of everything matching",
    responses: { 200: hqEventsResponseSchema, 401: 'unauthenticated', 403: 'forbidden | out_of_scope', 404: 'not_found' },
  }, async ({ query, signedIn }) => {
    const { filter } = await filterOf(signedIn.user, 'log.read', query);
    try {
      return await service.page(filter, query.cursor, query.limit);
    } catch (error) {
      if (error instanceof RangeError) throw new ApiError(400, 'invalid_query', `The cursor is not valid: ${error.message}`);
      throw error;
    }
  });

  api.route({
    method: 'GET', url: '/api/hq/events.csv', tag: 'hq', auth: 'session', query: hqEventsCsvQuerySchema,
    summary: 'The merged log as CSV (UTF-8 with BOM, bilingual headers), streamed: every matching event, newest first',
    responses: { 200: { mediaType: 'text/csv', description: 'The events as CSV (UTF-8 with BOM), as a download' }, 401: 'unauthenticated', 403: 'forbidden | out_of_scope', 404: 'not_found' },
  }, async ({ query, signedIn, reply }) => {
    const { filter, unitName } = await filterOf(signedIn.user, 'export', query);
    await service.caughtUp();
    const name = `hq-events-${new Date(ctx.now()).toISOString().slice(0, 10)}.csv`;
    reply.header('content-type', 'text/csv; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="${name}"`);
    reply.header('cache-control', 'no-store');
    return reply.send(eventsCsv(service.allEvents(filter), unitName));
  });

  api.route({
    method: 'GET', url: '/api/hq/dashboard', tag: 'hq', auth: 'session', query: hqDashboardQuerySchema,
    summary: "Aggregates of the reader's scope over whole days: uses per day, by child unit and by seal kind, anomalies by kind, approval latency, device fleet health",
    responses: { 200: hqDashboardResponseSchema, 401: 'unauthenticated', 403: 'forbidden | out_of_scope', 404: 'not_found' },
  }, async ({ query, signedIn }) => {
    const to = query.to ?? ctx.now();
    const from = query.from ?? Math.max(0, to - DEFAULT_PERIOD_MS);
    if (from >= to) throw new ApiError(400, 'invalid_query', '`from` must be before `to`');
    if (to - from > 400 * DAY_MS) throw new ApiError(400, 'invalid_query', 'The period is at most 400 days');
    const scope = await readScope(ctx.repos.units, signedIn.user, 'report.view', query.unit);
    return service.dashboard(dashboardScope(scope), from, to);
  });
  return service;
}
