import { DAY_MS, hqDayStart, timelineEventKindSchema, type TimelineEventKind } from '@seal/shared';
import type { HqEventFilter } from '../api/hq';

/**
 * Headquarters' views as their addresses say them: every filter lives in the query string, so a
 * filtered view is a link someone can share, and opening it shows the same view. Days are China
 * Standard Time days (`YYYY-MM-DD`), `to` included (the API's `to` is exclusive: the next day's start).
 */
export interface HqLogView {
  readonly unit?: string | undefined;
  readonly seal?: string | undefined;
  readonly device?: string | undefined;
  readonly person?: string | undefined;
  readonly kinds: readonly TimelineEventKind[];
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly anomalies: boolean;
}

export interface HqDashboardView {
  readonly unit?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

/** The query string as the router hands it (a repeated parameter is a list). */
export type SearchParams = Readonly<Record<string, string | readonly string[] | undefined>>;
/** What the router is told to set: `undefined` removes a parameter. */
export type SearchUpdate = Record<string, string | undefined>;

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

const first = (value: string | readonly string[] | undefined): string | undefined => (typeof value === 'string' ? value : value?.[0]);
const idParam = (value: string | readonly string[] | undefined): string | undefined => {
  const text = first(value);
  return text !== undefined && ID.test(text) ? text : undefined;
};
const dayParam = (value: string | readonly string[] | undefined): string | undefined => {
  const text = first(value);
  return text !== undefined && DAY.test(text) && Number.isFinite(hqDayStart(text)) ? text : undefined;
};

/** The kinds a `kind` parameter names (comma list or repeated), unknown ones left out, each once. */
function kindsParam(value: string | readonly string[] | undefined): TimelineEventKind[] {
  const parts = (typeof value === 'string' ? [value] : (value ?? [])).flatMap((part) => part.split(','));
  const kinds = parts.map((part) => timelineEventKindSchema.safeParse(part.trim())).flatMap((parsed) => (parsed.success ? [parsed.data] : []));
  return [...new Set(kinds)];
}

/** The log view an address shows; what it cannot read is left out rather than refused. */
export function logViewOf(params: SearchParams): HqLogView {
  return {
    unit: idParam(params.unit),
    seal: idParam(params.seal),
    device: idParam(params.device),
    person: idParam(params.person),
    kinds: kindsParam(params.kind),
    from: dayParam(params.from),
    to: dayParam(params.to),
    anomalies: first(params.anomalies) === '1' || first(params.anomalies) === 'true',
  };
}

export function dashboardViewOf(params: SearchParams): HqDashboardView {
  return { unit: idParam(params.unit), from: dayParam(params.from), to: dayParam(params.to) };
}

/** The query parameters of a log view (unset filters removed). */
export function logSearchOf(view: HqLogView): SearchUpdate {
  return {
    unit: view.unit,
    seal: view.seal,
    device: view.device,
    person: view.person,
    kind: view.kinds.length > 0 ? view.kinds.join(',') : undefined,
    from: view.from,
    to: view.to,
    anomalies: view.anomalies ? '1' : undefined,
  };
}

export function dashboardSearchOf(view: HqDashboardView): SearchUpdate {
  return { unit: view.unit, from: view.from, to: view.to };
}

/** One string per distinct view (what its kept answer is filed under): its parameters, sorted. */
export function viewKey(search: SearchUpdate): string {
  return Object.entries(search)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
}

/** A period of HQ days as the API takes it: from the first day's start to the end of the last. */
export function periodOf(view: { from?: string | undefined; to?: string | undefined }): { from?: number; to?: number } {
  return {
    ...(view.from === undefined ? {} : { from: hqDayStart(view.from) }),
    ...(view.to === undefined ? {} : { to: hqDayStart(view.to) + DAY_MS }),
  };
}

/** The API's filter for a log view. */
export function eventFilterOf(view: HqLogView): HqEventFilter {
  return { unit: view.unit, seal: view.seal, device: view.device, person: view.person, kinds: view.kinds, ...periodOf(view), anomaliesOnly: view.anomalies };
}
