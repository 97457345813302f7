import { createResource } from 'solid-js';
import { fetchApprovalRoutes, fetchGovernanceRequests, type GovernanceRequestView } from '../../api/governance';
import type { ConfiguredRoute } from '@seal/shared';

/**
 * The approval routes administrators set and the governance requests on one seal, from the
 * server. Offline both are empty: the moves then follow the default routes (`routeFor`), and a
 * move the server wants reviewed comes back refused with `governance_required`.
 */
export function createGovernanceData(sealId: () => string, notify: (what: 'asked' | 'decided') => void) {
  const [routes] = createResource<ConfiguredRoute[]>(() => fetchApprovalRoutes().catch(() => []), { initialValue: [] });
  const [requests, { refetch }] = createResource<GovernanceRequestView[], string>(sealId, (id) => fetchGovernanceRequests({ sealId: id }).catch(() => []), { initialValue: [] });
  const after = (what: 'asked' | 'decided') => () => {
    notify(what);
    void refetch();
  };
  return { routes, requests, onAsked: after('asked'), onDecided: after('decided') };
}
