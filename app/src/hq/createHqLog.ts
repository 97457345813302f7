import { createMemo, createSignal, type Accessor } from 'solid-js';
import { hqEventsResponseSchema, type HqEventCounts, type TimelineEvent } from '@seal/shared';
import { fetchHqEvents, type HqEventsResponse } from '../api/hq';
import type { LocalStore } from '../store/localStore';
import { createKeptView, type ViewSource } from './createKeptView';
import { eventFilterOf, logSearchOf, viewKey, type HqLogView } from './hqViews';

/** Events a page asks for. */
export const HQ_PAGE_SIZE = 50;

export interface HqLog {
  /** Newest first: every page loaded so far. */
  readonly events: Accessor<readonly TimelineEvent[]>;
  readonly counts: Accessor<HqEventCounts | undefined>;
  /** Whether the server holds further (older) events for this view; never while showing a kept copy. */
  readonly hasMore: Accessor<boolean>;
  readonly source: Accessor<ViewSource>;
  readonly loading: Accessor<boolean>;
  readonly loadingMore: Accessor<boolean>;
  readonly error: Accessor<unknown>;
  /** Why the last "load more" failed, if it did. */
  readonly moreError: Accessor<unknown>;
  readonly nothingKept: Accessor<boolean>;
  readonly loadMore: () => Promise<void>;
  readonly reload: () => Promise<void>;
}

/** Headquarters' merged log for a view: its first page, further pages on demand, kept for offline reading. */
export function createHqLog(view: Accessor<HqLogView>, store: Accessor<LocalStore | undefined>, pageSize = HQ_PAGE_SIZE): HqLog {
  const key = createMemo(() => viewKey(logSearchOf(view())));
  const kept = createKeptView<HqEventsResponse>({
    group: 'hq-log',
    key,
    fetch: () => fetchHqEvents(eventFilterOf(view()), { limit: pageSize }),
    schema: hqEventsResponseSchema,
    store,
  });
  const [loadingMore, setLoadingMore] = createSignal(false);
  const [moreError, setMoreError] = createSignal<unknown>();

  const loadMore = async (): Promise<void> => {
    const current = kept.data();
    if (current === undefined || current.nextCursor === null || loadingMore()) return;
    const asked = key();
    setLoadingMore(true);
    setMoreError(undefined);
    try {
      const next = await fetchHqEvents(eventFilterOf(view()), { cursor: current.nextCursor, limit: pageSize });
      if (asked !== key() || kept.data() !== current) return;
      // Pages continue strictly after the last event shown; an id seen twice is shown once all the same.
      const seen = new Set(current.events.map((e) => e.id));
      kept.update({ events: [...current.events, ...next.events.filter((e) => !seen.has(e.id))], nextCursor: next.nextCursor, counts: next.counts });
    } catch (err) {
      if (asked === key()) setMoreError(() => err);
    } finally {
      setLoadingMore(false);
    }
  };

  return {
    events: () => kept.data()?.events ?? [],
    counts: () => kept.data()?.counts,
    hasMore: () => kept.source().kind === 'fresh' && (kept.data()?.nextCursor ?? null) !== null,
    source: kept.source,
    loading: kept.loading,
    loadingMore,
    error: kept.error,
    moreError,
    nothingKept: kept.nothingKept,
    loadMore,
    reload: kept.reload,
  };
}
