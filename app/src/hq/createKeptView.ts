import { batch, createEffect, createSignal, on, type Accessor } from 'solid-js';
import type { z } from 'zod';
import { isUnreachableError } from '../api/ApiError';
import { createOnlineStatus } from '../primitives/createOnlineStatus';
import { createServerReachability } from '../sync/createServerReachability';
import type { LocalStore } from '../store/localStore';

/** Where what a view shows came from. */
export type ViewSource =
  /** Nothing yet (loading, or failed with nothing kept). */
  | { readonly kind: 'none' }
  /** The server answered this session. */
  | { readonly kind: 'fresh'; readonly fetchedAt: number }
  /** The server could not be reached: the answer kept on this device, fetched at `fetchedAt`. */
  | { readonly kind: 'kept'; readonly fetchedAt: number; readonly offline: boolean };

export interface KeptView<T> {
  readonly data: Accessor<T | undefined>;
  readonly source: Accessor<ViewSource>;
  /** Why the last fetch failed (kept data may be shown all the same). */
  readonly error: Accessor<unknown>;
  readonly loading: Accessor<boolean>;
  /** Whether the server could not be reached and no answer is kept for this view. */
  readonly nothingKept: Accessor<boolean>;
  /** Replaces what is shown with a newer answer to the same view (a further page), and keeps it. */
  readonly update: (value: T) => void;
  readonly reload: () => Promise<void>;
}

export interface KeptViewOptions<T> {
  /** Files the kept answers (`hq-log`). */
  readonly group: string;
  /** The view shown: a change fetches again. */
  readonly key: Accessor<string>;
  readonly fetch: () => Promise<T>;
  /** Reads a kept answer back (an older app may have written it): what fails it is not shown. */
  readonly schema: z.ZodType<T>;
  readonly store: Accessor<LocalStore | undefined>;
  readonly now?: () => number;
}

/**
 * A read-only view of the server (headquarters' log, its dashboard) that keeps its last answer
 * on this device: fetched when the view (`key`) changes or on `reload`; each answer kept in the
 * local store; when the server cannot be reached (offline, or no answer), the answer kept for the
 * same view is shown instead, with the time it was fetched.
 */
export function createKeptView<T>(options: KeptViewOptions<T>): KeptView<T> {
  const now = options.now ?? Date.now;
  const [data, setData] = createSignal<T>();
  const [source, setSource] = createSignal<ViewSource>({ kind: 'none' });
  const [error, setError] = createSignal<unknown>();
  const [loading, setLoading] = createSignal(true);
  const [unreachable, setUnreachable] = createSignal<{ key: string; offline: boolean }>();
  const [nothingKept, setNothingKept] = createSignal(false);
  let generation = 0;

  const keep = (key: string, value: T, fetchedAt: number): void => {
    void options.store()?.kept.keep(options.group, key, value, fetchedAt).catch((err: unknown) => console.warn('could not keep the answer for offline reading', err));
  };

  const reload = async (): Promise<void> => {
    const mine = ++generation;
    const key = options.key();
    setLoading(true);
    try {
      const value = await options.fetch();
      if (mine !== generation) return;
      const fetchedAt = now();
      batch(() => {
        setData(() => value);
        setSource({ kind: 'fresh', fetchedAt });
        setError(undefined);
        setUnreachable(undefined);
        setNothingKept(false);
      });
      keep(key, value, fetchedAt);
    } catch (err) {
      if (mine !== generation) return;
      batch(() => {
        setError(() => err);
        if (isUnreachableError(err)) {
          setUnreachable({ key, offline: err.code === 'offline' });
        } else {
          setData(undefined);
          setSource({ kind: 'none' });
        }
      });
    } finally {
      if (mine === generation) setLoading(false);
    }
  };

  // The server could not be reached: show what is kept for this view, once the store is open.
  createEffect(on([unreachable, options.store], ([lost, store]) => {
    if (lost === undefined || store === undefined) return;
    const mine = generation;
    void store.kept.get(options.group, lost.key).then((kept) => {
      if (mine !== generation) return;
      const parsed = kept === undefined ? undefined : options.schema.safeParse(kept.value);
      batch(() => {
        if (kept !== undefined && parsed?.success === true) {
          setData(() => parsed.data);
          setSource({ kind: 'kept', fetchedAt: kept.fetchedAt, offline: lost.offline });
          setNothingKept(false);
        } else {
          setData(undefined);
          setSource({ kind: 'none' });
          setNothingKept(true);
        }
      });
    });
  }));

  createEffect(on(options.key, () => {
    batch(() => {
      setData(undefined);
      setSource({ kind: 'none' });
      setNothingKept(false);
    });
    void reload();
  }));

  // Back online while showing a kept answer (or none): ask the server again — when the browser
  // says it has a network, or when the server answers its health probe again (the truer word).
  const online = createOnlineStatus();
  createEffect(on(online, (isOnline) => {
    if (isOnline && source().kind !== 'fresh') void reload();
  }, { defer: true }));
  const reachability = createServerReachability();
  createEffect(on(reachability, (state) => {
    if (state === 'reachable' && source().kind !== 'fresh') void reload();
  }, { defer: true }));

  const update = (value: T): void => {
    const fetchedAt = now();
    batch(() => {
      setData(() => value);
      setSource({ kind: 'fresh', fetchedAt });
    });
    keep(options.key(), value, fetchedAt);
  };

  return { data, source, error, loading, nothingKept, update, reload };
}
