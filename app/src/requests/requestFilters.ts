import { can, isInSubtree, processSheetCode, type RequestStatus, type TreeUnit, type UnitId, type User } from '@seal/shared';
import type { RequestEntry } from './requestBook';

/** What the requests list is narrowed to. Empty strings and absent bounds mean "any". */
export interface RequestFilter {
  /** Matched, ignoring case, against the document title, the request's code (and id) and the requester's name. */
  readonly text: string;
  /** A status, `open` (pending, approved or in use), or '' for any. */
  readonly status: RequestStatus | 'open' | '';
  readonly sealId: string;
  /** A unit: requests of it and of every unit below it. */
  readonly unitId: string;
  /** Submitted at or after (ms), and at or before (ms). */
  readonly from?: number;
  readonly to?: number;
}

export const NO_FILTER: RequestFilter = { text: '', status: '', sealId: '', unitId: '' };

/** Statuses in which a request still asks something of someone. */
export const OPEN_STATUSES: readonly RequestStatus[] = ['pending', 'approved', 'in_use'];

/**
 * The requests someone reads over their scope: the held ones whose unit, or whose seal's unit,
 * they may read the log of (`log.read`: custodians, administrators, auditors, each within the
 * subtrees of their grants).
 */
export function requestsInScope(entries: readonly RequestEntry[], me: User, units: readonly TreeUnit[]): RequestEntry[] {
  const reads = (unitId: string): boolean => can(me, 'log.read', { unitId: unitId as UnitId }, units).ok;
  return entries.filter((e) => reads(e.request.unitId) || (e.seal !== undefined && reads(e.seal.unitId)));
}

/** The entries that `filter` keeps, in their order. `nameOf` gives a requester's name (undefined when not known). */
export function filterRequests(entries: readonly RequestEntry[], filter: RequestFilter, nameOf: (userId: string) => string | undefined, units: readonly TreeUnit[]): RequestEntry[] {
  const needle = filter.text.trim().toLowerCase();
  return entries.filter((e) => {
    const status = e.view?.status;
    if (filter.status === 'open' ? status === undefined || !OPEN_STATUSES.includes(status) : filter.status !== '' && status !== filter.status) return false;
    if (filter.sealId !== '' && e.request.sealId !== filter.sealId) return false;
    if (filter.unitId !== '' && !isInSubtree(e.request.unitId, filter.unitId as UnitId, units)) return false;
    if (filter.from !== undefined && e.request.createdAt < filter.from) return false;
    if (filter.to !== undefined && e.request.createdAt > filter.to) return false;
    if (needle === '') return true;
    const haystack = [e.request.document.title, processSheetCode(e.request.id), e.request.id, nameOf(e.request.requesterId) ?? ''];
    return haystack.some((text) => text.toLowerCase().includes(needle));
  });
}

/** A `yyyy-mm-dd` date input as the first (or, with `end`, the last) millisecond of that local day; undefined when empty or unreadable. */
export function dayBound(value: string, end = false): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (match === null) return undefined;
  const day = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (Number.isNaN(day.getTime())) return undefined;
  return end ? day.getTime() + 86_400_000 - 1 : day.getTime();
}
