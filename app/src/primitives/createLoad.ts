import { createSignal, type Accessor } from 'solid-js';

export interface Load<T> {
  /** The last value loaded; kept while reloading, so lists do not blink. */
  readonly data: Accessor<T | undefined>;
  /** Why the last load failed; cleared by the next success. */
  readonly error: Accessor<unknown>;
  readonly loading: Accessor<boolean>;
  readonly reload: () => Promise<void>;
}

/**
 * Loads something for a screen at once, and again on `reload()`. Unlike `createResource`, a
 * failure is a value to show (reading it never throws into the render), and a slow answer to an
 * older load never overwrites a newer one.
 */
export function createLoad<T>(fetcher: () => Promise<T>): Load<T> {
  const [data, setData] = createSignal<T>();
  const [error, setError] = createSignal<unknown>();
  const [loading, setLoading] = createSignal(true);
  let generation = 0;
  const reload = async (): Promise<void> => {
    const mine = ++generation;
    setLoading(true);
    try {
      const value = await fetcher();
      if (mine !== generation) return;
      setData(() => value);
      setError(undefined);
    } catch (err) {
      if (mine === generation) setError(() => err);
    } finally {
      if (mine === generation) setLoading(false);
    }
  };
  void reload();
  return { data, error, loading, reload };
}
