import wasmUrl from '@automerge/automerge/automerge.wasm?url';
import { onceLoader, type AutomergeApi } from './automerge';

/**
 * Automerge in the browser: the slim build, with the wasm fetched from its own URL (precached by
 * the service worker, so it loads offline) and compiled only when a record is first touched.
 */
export const loadAutomergeInBrowser = onceLoader(async (): Promise<AutomergeApi> => {
  const automerge = await import('@automerge/automerge/slim');
  await automerge.initializeWasm(wasmUrl);
  return automerge;
});
