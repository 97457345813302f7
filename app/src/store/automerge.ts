import type * as AutomergeModule from '@automerge/automerge/slim';

/**
 * The Automerge API the store uses. It is loaded lazily, off the first paint (its wasm is
 * 3.6 MB): the browser passes `loadAutomergeInBrowser` (slim build + the wasm as a URL), Node
 * tests pass `() => import('@automerge/automerge')`.
 */
export type AutomergeApi = typeof AutomergeModule;

/** Loads (once) and returns the Automerge API. */
export type AutomergeLoader = () => Promise<AutomergeApi>;

/** Memoises a loader, so that the wasm is fetched and compiled once however many callers ask. */
export function onceLoader(load: AutomergeLoader): AutomergeLoader {
  let loaded: Promise<AutomergeApi> | undefined;
  return () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
}
