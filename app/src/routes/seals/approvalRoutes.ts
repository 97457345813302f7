import { createSignal, onMount, type Accessor } from 'solid-js';
import { z } from 'zod';
import { configuredRouteSchema, routeFor, unitChain, type ApprovalRoute, type ConfiguredRoute, type GovernanceAction, type SealKind, type SealStatus, type Units } from '@seal/shared';
import { fetchApprovalRoutes } from '../../api/governance';

const KEY = 'seal-control.approval-routes';
const cachedSchema = z.array(configuredRouteSchema);

/** The routes last heard from the server on this device (none when never heard, or unreadable). */
export function cachedRoutes(): ConfiguredRoute[] {
  try {
    const parsed = cachedSchema.safeParse(JSON.parse(window.localStorage.getItem(KEY) ?? '[]'));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

function remember(routes: readonly ConfiguredRoute[]): void {
  try {
    window.localStorage.setItem(KEY, JSON.stringify(routes));
  } catch {
    // Storage full or refused: the routes are fetched again next time.
  }
}

/**
 * The approval routes administrators set, as this device knows them: those last heard at once
 * (so a tablet offline still tells a seal that awaits approval from one that does not), then the
 * server's, remembered for the next time. `reload` fetches them again.
 */
export function createApprovalRoutes(): { routes: Accessor<ConfiguredRoute[]>; reload: () => Promise<void> } {
  const [routes, setRoutes] = createSignal<ConfiguredRoute[]>(cachedRoutes());
  const reload = async (): Promise<void> => {
    try {
      const fresh = await fetchApprovalRoutes();
      remember(fresh);
      setRoutes(fresh);
    } catch {
      // Offline or signed out: keep what was last heard.
    }
  };
  onMount(() => void reload());
  return { routes, reload };
}

/** Whether a seal is held without its first move because making it goes through an approval route (shown "awaiting approval"). */
export function awaitsApproval(view: { readonly seal: { readonly kind: SealKind; readonly unitId: string }; readonly status: SealStatus | null } | undefined, units: Units, routes: readonly ConfiguredRoute[]): boolean {
  return view !== undefined && view.status === null && governanceRoute(view.seal.kind, view.seal.unitId, 'create', units, routes) !== null;
}

/** The route a governance action on a seal of `kind` in `unitId` goes through (`routeFor`, the shared rule), or `null` when none applies. */
export function governanceRoute(kind: SealKind, unitId: string, action: GovernanceAction, units: Units, routes: readonly ConfiguredRoute[]): ApprovalRoute | null {
  return routeFor(kind, unitChain(unitId as never, units), action, routes);
}
