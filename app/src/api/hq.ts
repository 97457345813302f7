import {
  hqDashboardResponseSchema,
  hqEventsResponseSchema,
  type HqDashboardResponse,
  type HqEventsResponse,
  type TimelineEventKind,
} from '@seal/shared';
import { apiRequest } from './request';

export type { HqDashboardResponse, HqEventsResponse };

/** What the merged log, its counts and its CSV are narrowed by (`GET /api/hq/events`). */
export interface HqEventFilter {
  /** A unit: its whole subtree. */
  readonly unit?: string | undefined;
  readonly seal?: string | undefined;
  readonly device?: string | undefined;
  /** A person the event names. */
  readonly person?: string | undefined;
  readonly kinds?: readonly TimelineEventKind[] | undefined;
  /** Inclusive, epoch milliseconds. */
  readonly from?: number | undefined;
  /** Exclusive, epoch milliseconds. */
  readonly to?: number | undefined;
  readonly anomaliesOnly?: boolean | undefined;
}

/** The query string (without `?`) of a filter, in the API's terms; parameters left out when unset. */
export function hqEventQuery(filter: HqEventFilter, page: { cursor?: string | undefined; limit?: number } = {}): string {
  const query = new URLSearchParams();
  const set = (name: string, value: string | undefined): void => {
    if (value !== undefined && value !== '') query.set(name, value);
  };
  set('unit', filter.unit);
  set('seal', filter.seal);
  set('device', filter.device);
  set('person', filter.person);
  if (filter.kinds !== undefined && filter.kinds.length > 0) set('kind', filter.kinds.join(','));
  set('from', filter.from === undefined ? undefined : String(filter.from));
  set('to', filter.to === undefined ? undefined : String(filter.to));
  if (filter.anomaliesOnly === true) set('anomalies', 'true');
  set('cursor', page.cursor);
  set('limit', page.limit === undefined ? undefined : String(page.limit));
  return query.toString();
}

const withQuery = (path: string, query: string): string => (query === '' ? path : `${path}?${query}`);

/** `GET /api/hq/events`: one page of the merged log (newest first), with the counts of the whole filter. */
export function fetchHqEvents(filter: HqEventFilter, page: { cursor?: string | undefined; limit?: number } = {}): Promise<HqEventsResponse> {
  return apiRequest('GET', withQuery('/api/hq/events', hqEventQuery(filter, page)), hqEventsResponseSchema);
}

/** The address of `GET /api/hq/events.csv` for a filter: every matching event, as a download. */
export function hqEventsCsvHref(filter: HqEventFilter): string {
  return withQuery('/api/hq/events.csv', hqEventQuery(filter));
}

/** `GET /api/hq/dashboard`: the aggregates of a scope (a unit's subtree) over a period. */
export function fetchHqDashboard(scope: { unit?: string | undefined; from?: number | undefined; to?: number | undefined }): Promise<HqDashboardResponse> {
  return apiRequest('GET', withQuery('/api/hq/dashboard', hqEventQuery({ unit: scope.unit, from: scope.from, to: scope.to })), hqDashboardResponseSchema);
}
