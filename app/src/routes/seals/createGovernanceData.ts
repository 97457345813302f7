import { createMemo, createResource } from 'solid-js';
import { fetchGovernanceRequests, type GovernanceRequestView } from '../../api/governance';
import { createApprovalRoutes } from './approvalRoutes';

/**
 * The approval routes administrators set (as last heard, then the server's) and the governance
 * requests on one seal, from the server. Offline the requests are empty and the routes are those
 * last heard: a move the server wants reviewed and this device did not know of comes back refused
 * with `governance_required`.
 */
export function createGovernanceData(sealId: () => string, notify: (what: 'asked' | 'decided') => void) {
  const { routes } = createApprovalRoutes();
  const [requests, { refetch }] = createResource<GovernanceRequestView[], string>(sealId, (id) => fetchGovernanceRequests({ sealId: id }).catch(() => []), { initialValue: [] });
  const after = (what: 'asked' | 'decided') => () => {
    notify(what);
    void refetch();
  };
  // A reviewed move names its request; the request names who approved it (ADR 009).
  const approvers = createMemo(() => new Map(requests().flatMap((g) => (g.request.appliedChangeId === undefined ? [] : [[g.request.appliedChangeId, g.approvedBy] as const]))));
  return { routes, requests, approversOf: (changeId: string) => approvers().get(changeId), onAsked: after('asked'), onDecided: after('decided') };
}
