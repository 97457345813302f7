import { createSignal, onCleanup, type Accessor } from 'solid-js';
import { serverReachability } from '../api/reachability';
import type { Reachability } from '../api/serverReachability';

/**
 * Whether the sync-server answers (its health probe and every request the app sends), live.
 * Unlike `createOnlineStatus` (a network interface is up), this is what "online" means to a user.
 */
export function createServerReachability(): Accessor<Reachability> {
  const reachability = serverReachability();
  const [state, setState] = createSignal<Reachability>(reachability?.state ?? 'unknown');
  if (reachability !== undefined) onCleanup(reachability.subscribe(setState));
  return state;
}
