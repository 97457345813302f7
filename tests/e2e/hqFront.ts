/**
 * A stand-in for headquarters' API until the server side (branch hq-log) is merged: a node:http
 * server on loopback that answers `GET /api/hq/events`, `/api/hq/events.csv` and
 * `/api/hq/dashboard` from a generated history — reading each query with the shared request
 * schemas and checking each answer with the shared response schemas — and passes every other
 * request (the PWA, sign-in, sync) through to the real sync-server. The browser talks to this
 * front only, so the app is exercised exactly as it will be against the real routes.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  DAY_MS,
  hqDashboardQuerySchema,
  hqDashboardResponseSchema,
  hqDayOf,
  hqDayStart,
  hqEventsCsvQuerySchema,
  hqEventsQuerySchema,
  hqEventsResponseSchema,
  INK_BOX_LIFE_STAMPS,
  type HqDashboardResponse,
  type HqEventsCsvQuery,
  type TimelineEvent,
} from '@seal/shared';
import type { HqHistory } from './hqWorld';

export interface HqFront {
  readonly url: string;
  /** Every HQ query the app sent (path and query string), in order. */
  readonly asked: string[];
  /** Queries the shared schemas refused: the app must send none. */
  readonly refused: string[];
  /** While true, HQ requests get no answer (the socket is closed): "the server cannot be reached". */
  unreachable: boolean;
  close(): Promise<void>;
}

/** Names of units for the dashboard (the server reads them from the store). */
export type UnitNames = ReadonlyMap<string, string>;

/** Whether `unitId` is `root` or below it. */
function inSubtree(unitId: string, root: string, parents: ReadonlyMap<string, string | null>): boolean {
  let current: string | null | undefined = unitId;
  for (let steps = 0; current !== null && current !== undefined && steps < 50; steps++) {
    if (current === root) return true;
    current = parents.get(current);
  }
  return false;
}

/** The events a filter matches, newest first (ties by id, descending). */
export function matching(history: HqHistory, filter: HqEventsCsvQuery): TimelineEvent[] {
  return history.events
    .filter((e) => filter.unit === undefined || inSubtree(e.unitId, filter.unit, history.parents))
    .filter((e) => filter.seal === undefined || e.sealId === filter.seal)
    .filter((e) => filter.device === undefined || e.deviceId === filter.device)
    .filter((e) => filter.person === undefined || e.personIds.includes(filter.person))
    .filter((e) => filter.kind === undefined || filter.kind.length === 0 || filter.kind.includes(e.kind))
    .filter((e) => filter.from === undefined || e.at >= filter.from)
    .filter((e) => filter.to === undefined || e.at < filter.to)
    .filter((e) => filter.anomalies !== true || history.anomalies.has(e.id))
    .sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1));
}

const cursorOf = (e: TimelineEvent): string => Buffer.from(JSON.stringify([e.at, e.id])).toString('base64url');
const after = (cursor: string): ((e: TimelineEvent) => boolean) => {
  const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [number, string];
  return (e) => e.at < at || (e.at === at && e.id < id);
};

function eventsAnswer(history: HqHistory, query: Record<string, string | string[]>): unknown {
  const q = hqEventsQuerySchema.parse(query);
  const all = matching(history, q);
  const rest = q.cursor === undefined ? all : all.filter(after(q.cursor));
  const page = rest.slice(0, q.limit);
  const byKind: Record<string, number> = {};
  for (const e of all) byKind[e.kind] = (byKind[e.kind] ?? 0) + 1;
  return hqEventsResponseSchema.parse({
    events: page,
    nextCursor: rest.length > page.length ? cursorOf(page.at(-1)!) : null,
    counts: { total: all.length, byKind },
  });
}

function csvAnswer(history: HqHistory, query: Record<string, string | string[]>): string {
  const rows = matching(history, hqEventsCsvQuerySchema.parse(query)).map((e) => [e.id, new Date(e.at).toISOString(), e.kind, e.unitId, e.sealId ?? '', e.deviceId ?? ''].join(','));
  return `\ufeffid,at,kind,unit,seal,device\r\n${rows.map((r) => `${r}\r\n`).join('')}`;
}

function dashboardAnswer(history: HqHistory, names: UnitNames, query: Record<string, string | string[]>, now: number): HqDashboardResponse {
  const q = hqDashboardQuerySchema.parse(query);
  const to = q.to ?? now;
  const from = q.from ?? to - 30 * DAY_MS;
  const root = q.unit ?? history.ids.hqId;
  const scoped = history.events.filter((e) => inSubtree(e.unitId, root, history.parents));
  const stamps = scoped.filter((e) => e.kind === 'stamp' && e.at >= from && e.at < to);
  const days: string[] = [];
  for (let day = hqDayOf(from); hqDayStart(day) < to; day = hqDayOf(hqDayStart(day) + DAY_MS)) days.push(day);
  const count = <T>(items: readonly T[], key: (item: T) => string): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
    return counts;
  };
  const perDay = count(stamps, (e) => hqDayOf(e.at));
  const sealKind = new Map(history.ids.seals.map((s) => [s.id, s.kind]));
  const anomalies = count(scoped.filter((e) => history.anomalies.has(e.id) && e.at >= from && e.at < to), (e) => (e.kind === 'stamp' ? 'stamp_beyond_approval' : e.kind));
  return hqDashboardResponseSchema.parse({
    unitId: root,
    from,
    to,
    usesPerDay: days.map((day) => ({ day, stamps: perDay.get(day) ?? 0 })),
    usesByUnit: [...count(stamps, (e) => e.unitId)].map(([unitId, n]) => ({ unitId, name: names.get(unitId) ?? unitId, stamps: n })),
    usesBySealKind: [...count(stamps, (e) => sealKind.get(e.sealId ?? '') ?? 'unknown')].map(([kind, n]) => ({ sealKind: kind, stamps: n })),
    anomaliesByKind: [...anomalies].map(([kind, n]) => ({ kind, count: n })),
    approvalLatency: { count: 17, p50Ms: 95 * 60_000, p95Ms: 27 * 3_600_000 },
    fleet: {
      inkBoxLifeStamps: INK_BOX_LIFE_STAMPS,
      devices: history.ids.seals.map((s, i) => {
        const stampCount = [4_730, 1_210, 260][i % 3]!;
        return { deviceId: s.deviceId, unitId: s.unitId, sealId: s.id, batteryPercent: [14, 86, null][i % 3] ?? null, batteryAt: now - DAY_MS, lastContactAt: now - (i + 1) * 3_600_000, stampCount, inkBoxUsed: stampCount / INK_BOX_LIFE_STAMPS };
      }),
    },
  });
}

/** The query string as fastify reads it: a repeated parameter is a list. */
function queryOf(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const name of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(name);
    query[name] = values.length === 1 ? values[0]! : values;
  }
  return query;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

/** Starts the front on `port`, passing what is not HQ's to `backendUrl`. */
export async function startHqFront(port: number, backendUrl: string, history: HqHistory, names: UnitNames, now: () => number = Date.now): Promise<HqFront> {
  const backend = new URL(backendUrl);
  const asked: string[] = [];
  const refused: string[] = [];
  const front: { unreachable: boolean } = { unreachable: false };
  const answerHq = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    asked.push(`${url.pathname}${url.search}`);
    if (front.unreachable) {
      req.socket.destroy();
      return;
    }
    try {
      if (url.pathname === '/api/hq/events') return send(res, 200, 'application/json', JSON.stringify(eventsAnswer(history, queryOf(url))));
      if (url.pathname === '/api/hq/events.csv') return send(res, 200, 'text/csv; charset=utf-8', csvAnswer(history, queryOf(url)));
      if (url.pathname === '/api/hq/dashboard') return send(res, 200, 'application/json', JSON.stringify(dashboardAnswer(history, names, queryOf(url), now())));
      send(res, 404, 'application/json', JSON.stringify({ error: 'not_found', message: `No route ${url.pathname}` }));
    } catch (err) {
      refused.push(`${url.pathname}${url.search}: ${err instanceof Error ? err.message : String(err)}`);
      send(res, 400, 'application/json', JSON.stringify({ error: 'invalid_body', message: 'The query does not match the schema' }));
    }
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/api/hq/')) return answerHq(req, res, url);
    const upstream = request({ hostname: backend.hostname, port: backend.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      if (!res.headersSent) send(res, 502, 'application/json', JSON.stringify({ error: 'bad_gateway', message: 'the sync-server did not answer' }));
      else res.destroy();
    });
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((listening, fail) => {
    server.once('error', fail);
    server.listen(port, 'localhost', () => listening());
  });
  return {
    url: `http://localhost:${port}`,
    asked,
    refused,
    get unreachable() {
      return front.unreachable;
    },
    set unreachable(value: boolean) {
      front.unreachable = value;
    },
    close: () =>
      new Promise<void>((closed) => {
        server.closeAllConnections();
        server.close(() => closed());
      }),
  };
}
